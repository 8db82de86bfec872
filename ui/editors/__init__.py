"""The Design page's editors: every field of the design schema has a form here (tables, keys, indexes,
entities, key templates, access patterns, screens), plus the entity and access-pattern charts and YAML.

Editors are views of the design in session state: they seed their widgets from the current DataModel
(`base.mirrored`), write back through ui.state.edit_design in callbacks, and show the validator's message
next to the form that caused it. Structural edits (renames that references follow, deletes that name what
they would orphan) are pure functions in engine.model.edits.
"""
