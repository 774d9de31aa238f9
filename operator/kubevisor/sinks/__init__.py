"""Publishing datafiles: ConfigMaps and object stores."""
