@echo off
rem Double-click to open planlint's checking page in the browser (README: for editors).
rem Keep this window open while checking; close it to stop.
cd /d "%~dp0"
py -m planlint serve
if errorlevel 1 pause
