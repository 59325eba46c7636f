"""Application functions: what a user can ask Monell to do, called alike by the CLI, the web
app and the HTTP API. They wire the pure domain core to storage and the optional report
sections; no legal rule lives here, and no click or Django import either."""
