"""Shell: the Pyodide entries the pages' Web Workers call (``checker.web.check`` for the checker,
``checker.web.audit`` for the page audit). JSON text or bytes in, JSON text or bytes out."""
