//! The DTLS certificate a server's legs answer with.

use str0m::config::DtlsCert;

use crate::Error;

/// A self-signed DTLS certificate (ECDSA P-256) and its private key.
///
/// Making one costs about a millisecond of CPU, so a server makes one at start-up, off any loop
/// that must stay responsive, and gives it to every leg: a browser checks the certificate
/// against the fingerprint in our answer, not who signed it (mediasoup and Janus also keep one
/// per process). Cloning copies a few hundred bytes.
#[derive(Clone)]
pub struct Certificate(pub(crate) DtlsCert);

impl Certificate {
    /// Makes a certificate, valid for a year, with the crypto provider str0m is built with.
    pub fn generate() -> Result<Certificate, Error> {
        str0m::crypto::from_feature_flags()
            .dtls_provider
            .generate_certificate()
            .map(Certificate)
            .ok_or(Error::Certificate)
    }
}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the private key.
        f.debug_struct("Certificate")
            .field("der_bytes", &self.0.certificate.len())
            .finish_non_exhaustive()
    }
}
