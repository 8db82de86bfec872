"""Evidence from real systems turned into a calibrated design (issue 15).

`capture` reads observed requests (the JSON lines `ddb-workbench serve --log` writes, and CloudTrail data-event
records for DynamoDB); `traffic` infers a design from them (`ddb-workbench infer`): tables and indexes as seen,
access patterns grouped by request shape with their observed rates, key distributions and item sizes, and a list
of what could not be inferred. `export` analyses a DynamoDB table export to S3 (`ddb-workbench analyze-export`).
"""
