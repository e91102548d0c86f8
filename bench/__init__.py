"""`make bench`: the service measured against its database and HTTP ceilings."""
