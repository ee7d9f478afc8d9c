// Package connect chooses and builds the forge a command proposes
// through: local, github or gitlab, told by --forge or detected from the
// origin remote and the CI environment, with tokens from the environment,
// retries and a redaction of every secret from errors and messages.
package connect
