"""The program that runs inside the sandbox (the guest), one module per concern.

runner (start-up and the host loop), protocol (messages to and from the host),
supervisor (fork the learner's process, collect, judge the status, run the checks),
learner (what runs in the forked child), harvest (files the code wrote), transport
(values as plain data), figures (matplotlib figures as PNGs and primitives), checks
(the exercise's checks). These modules use only the standard library, never import the
web application, and import each other relatively: the host copies this folder into
each sandbox as a package of its own.
"""
