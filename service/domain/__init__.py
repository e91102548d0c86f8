"""The models clients send and see, and the errors the data layer raises."""
