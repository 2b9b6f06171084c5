"""Self-contained interactive web pages: optviz's surfaces, rules and noise in JavaScript.

See :mod:`optviz.web.emit` (surfaces and noise as JavaScript) and ``optviz/web/js/engine.js`` (the rules
and the stepping loop).
"""
