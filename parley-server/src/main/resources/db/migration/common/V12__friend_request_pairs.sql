-- The latest request between two users, whatever its status: a declined one starts the sender's cool-down.
CREATE INDEX friend_requests_pair ON friend_requests (pair_key, id);
