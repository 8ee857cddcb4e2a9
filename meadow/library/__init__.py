"""The library: convention documents taken in, their structure, their references."""
