"""journeymap: customer journey maps built by the whole company and measured on real data."""

__version__ = "0.1.0"
