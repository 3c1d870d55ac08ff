package server

// Translate lets the external tests check the error translation of the
// status interceptors directly.
var Translate = translate
