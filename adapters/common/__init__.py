"""What every platform adapter shares: retries and error translation, bounded downloads,
settings read from the environment, and the JSON object a webhook body must be."""
