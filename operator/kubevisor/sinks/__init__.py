"""Publishing datafiles: ConfigMaps and object stores.

- `payload.Payload.from_bytes(content)`: the checked bytes, revision and digest every sink takes.
- `configmap`: `configmap_targets(datafile_resource)`, `render_configmap` (pure),
  `publish_configmap` / `delete_configmap` (server-side apply, field manager `kubevisor`).
- `objectstore`: `open_object_store(url, credentials)`, `publish_object` / `delete_object`.
- `results.PublishResult`: what each call did to one output; errors are results, not exceptions.
"""
