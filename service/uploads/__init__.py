"""Uploaded PDF pieces: checked in a child process with limits, cleaned, stored apart."""
