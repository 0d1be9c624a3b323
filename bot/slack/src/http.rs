//! HTTP mode (Events API) — see below.
