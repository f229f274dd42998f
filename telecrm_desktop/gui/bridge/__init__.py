"""Between the GUI thread and the core: workers, the pipeline and engine links."""
