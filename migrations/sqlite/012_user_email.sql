-- A user's email address: approval requests naming the user (or a group they belong to) are
-- mailed there, and OIDC sign-in fills it from the ID token's email claim.
ALTER TABLE users ADD COLUMN email TEXT;
