//! TLS for outgoing connections: rustls with the ring provider, HTTP/1.1
//! offered by ALPN. Certificates are checked against the system's trust
//! store the way reqwest does it (`rustls-platform-verifier`), or, in the
//! insecure mode of `send -k` and `forward -k`, not checked at all (the
//! handshake's signatures still are). Each configuration is built once, on
//! the first `https` connection, so plain-HTTP runs never load the roots.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use rustls_platform_verifier::BuilderVerifierExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::error::{Error, ErrorKind};

static VERIFYING: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();
static INSECURE: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();

/// The client configuration: verifying against the system's roots, or
/// accepting any certificate when `insecure`.
pub fn client_config(insecure: bool) -> Result<Arc<ClientConfig>, Error> {
    let (cell, build): (_, fn() -> Result<ClientConfig, rustls::Error>) = if insecure {
        (&INSECURE, accepting_any)
    } else {
        (&VERIFYING, verifying)
    };
    cell.get_or_init(|| build().map(Arc::new).map_err(|e| e.to_string()))
        .clone()
        .map_err(|e| Error::caused(ErrorKind::Tls, "cannot set up TLS", e))
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn verifying() -> Result<ClientConfig, rustls::Error> {
    let mut config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_platform_verifier()?
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn accepting_any() -> Result<ClientConfig, rustls::Error> {
    let provider = provider();
    let mut config = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Runs the handshake with `host` (a name or an IP address) over `io`.
pub async fn handshake<S>(io: S, host: &str, insecure: bool) -> Result<TlsStream<S>, Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let config = client_config(insecure)?;
    let name = ServerName::try_from(host.to_owned())
        .map_err(|e| Error::caused(ErrorKind::Tls, format!("cannot use {host:?} for TLS"), e))?;
    TlsConnector::from(config)
        .connect(name, io)
        .await
        .map_err(|e| {
            Error::caused(
                ErrorKind::Tls,
                format!("TLS handshake with {host} failed"),
                e,
            )
        })
}

/// `-k`: any certificate is accepted for any name; the handshake's
/// signatures are still verified, so the connection is at least to the
/// holder of the certificate's key.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
