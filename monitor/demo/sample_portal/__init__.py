"""A deterministic replica of the leda portal's disclosure section, served over HTTP.

- ``catalogue``: the site's fixed shape: publishers, columns, documents per year.
- ``model``: the documents, generated from ``(seed, day, size)`` (``build_portal``;
  later days derived from earlier ones), and the expected audit answers
  (``ground_truth``, committed as ``ground_truth.json`` for day 0 at the default size).
- ``wording``: titles, body text and date wording.
- ``pages``: HTML rendering in the VSB template's shapes.
- ``server``: ``serve()`` / ``main()``; routing and HTTP validators in ``respond()``.
- ``faults``: ``FaultPlan``, deliberate server misbehaviour for crawler tests.

Submodules are not imported here so that ``python -m monitor.demo.sample_portal.server``
and ``python -m monitor.demo.sample_portal.model`` run without double imports.
"""
