"""`planlint serve`: a local web page for plan editors. `jobs` does the work without any web
framework; `app` is the Starlette application around it (imported only by the serve command)."""
