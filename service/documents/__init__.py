"""The generic document flow: draft, finalise, render, register."""
