"""The helpdesk platforms behind ``bridge.platform``'s contract, one package each.

- ``adapters/common/``: what every adapter shares (retry policy and error translation,
  bounded downloads, settings from the environment, webhook JSON, the webhook endpoint,
  spending the shared rate budget);
- ``adapters/zendesk/``, ``adapters/jira/``: one platform each (platform, webhook,
  install, errors, config, and http/text where the platform needs them);
- ``adapters/memory/``: an in-memory platform with the same contract, for tests.

A platform package exports ``PLATFORM`` (the ``Platform`` + ``WebhookInstaller`` class),
``WEBHOOK`` (the ``WebhookReceiver`` class), ``SETTINGS`` (its section of the bridge's
settings) and ``INSTALL`` (an ``InstallSpec``), and is named by one line of the registry
in ``bridge/platform.py``. Importing a package must stay
cheap: the platform library (zenpy, jira) is imported only when a client is built.
See docs/adding-a-platform.md.
"""
