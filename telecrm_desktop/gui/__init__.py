"""The desktop app (Qt only): the shell here, screens/, models/, bridge/ to the core, widgets/."""
