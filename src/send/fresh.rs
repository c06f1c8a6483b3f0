//! Fresh values for one request: the time, and randomness for ids, multipart
//! boundaries and jitter. Everything that builds a request takes them through
//! [`Fresh`], so tests can fix them (`testing::FixedFresh`).

use crate::model::Timestamp;

/// Fresh values for one request: the time, and randomness for ids.
pub trait Fresh {
    /// The current time (signature timestamps, `{{unix}}`).
    fn now(&mut self) -> Timestamp;
    /// 128 random bits (ids, boundaries, jitter).
    fn random(&mut self) -> u128;
    /// A v4 UUID built from [`Fresh::random`].
    fn uuid(&mut self) -> uuid::Uuid {
        uuid::Builder::from_random_bytes(self.random().to_le_bytes()).into_uuid()
    }
}

/// The wall clock and the system's random generator.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemFresh;

impl Fresh for SystemFresh {
    fn now(&mut self) -> Timestamp {
        Timestamp::now()
    }

    fn random(&mut self) -> u128 {
        uuid::Uuid::new_v4().as_u128()
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// Deterministic fresh values: a fixed time and a counter.
    #[derive(Debug, Default)]
    pub(crate) struct FixedFresh(pub u128);

    impl Fresh for FixedFresh {
        fn now(&mut self) -> Timestamp {
            Timestamp(1_700_000_000_000_000)
        }
        fn random(&mut self) -> u128 {
            self.0 += 1;
            self.0
                .wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835)
        }
    }

    #[test]
    fn fixed_values_repeat_and_uuids_are_v4() {
        let (mut a, mut b) = (FixedFresh::default(), FixedFresh::default());
        assert_eq!(a.now(), b.now());
        assert_eq!(a.random(), b.random());
        assert_ne!(a.random(), a.random());
        assert_eq!(a.uuid().get_version_num(), 4);
    }
}
