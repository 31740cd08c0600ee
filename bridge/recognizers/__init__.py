"""Our presidio recognizers, one module per kind of data.

``registry`` maps the names rules.yaml uses to classes (and imports nothing of ours);
``factory`` builds the instances from the rules; ``base`` holds the base classes and
``context`` the context-word helpers they use.
"""
