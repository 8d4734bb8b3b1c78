"""One function per domain action, called alike by the web views and the JSON API.

Views and API endpoints parse their input (a form, a JSON body), call one operation and present
its result; the rules live here and below. Operations raise the errors of `errors.py`, which
`errors.http_answer` turns into one French message and one HTTP status for both channels.
"""
