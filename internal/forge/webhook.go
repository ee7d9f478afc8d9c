package forge

import (
	"errors"
	"net/http"
)

// ErrUnauthorized is returned (wrapped) by a Webhook's Verify when a
// delivery carries no signature or a wrong secret token.
var ErrUnauthorized = errors.New("the delivery is not signed with the webhook secret")

// Webhook is how a forge's webhook deliveries are verified and read: a
// column of the forge's row in forge/connect.
type Webhook struct {
	// EventType reads a delivery's event type from its headers.
	EventType func(r *http.Request) string
	// Verify checks r against the webhook secret before anything is
	// parsed and returns the body (read from r.Body, which the caller
	// bounds) and the delivery's id. A delivery without a valid signature
	// or token gives an error wrapping ErrUnauthorized.
	Verify func(r *http.Request, secret []byte) (payload []byte, id string, err error)
	// Parse reads a payload of an event type.
	Parse func(eventType string, payload []byte) (*Event, error)
	// Events are the event types that carry chat commands and merges,
	// as CI passes them to promote chatops.
	Events []string
	// SecretEnv is the environment variable holding the secret;
	// SecretFlag the serve flag naming a file that holds it; SecretName
	// names the secret in the flag's help ("GitHub webhook secret").
	SecretEnv, SecretFlag, SecretName string
}
