"""The telecrm-mapping/1 template: its model, file form and first suggestion."""
