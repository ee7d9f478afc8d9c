// Package connect chooses and builds the forge a command proposes
// through from a table with one row per forge (Kinds: name, detection,
// opening, tokens, webhook verification and event parsing), told by
// --forge or detected from the origin remote and the CI environment,
// with tokens from the environment, retries and a redaction of every
// secret from errors and messages. Adding a forge is one adapter package
// and one row.
package connect
