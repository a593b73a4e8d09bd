//! Problems (困难/诉求) and their lifecycle: routed → claimed → responded → closed → solved.
//!
//! Closed is the member unit's word; solved is the firm's. Only solved counts toward the
//! campaign's second target, so the firm's confirmation is its own transition.

use crate::i18n::{K, Locale};
use crate::error::{Error, FieldError};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ProblemStatus {
    Routed,
    Claimed,
    Responded,
    Closed,
    Solved,
    Unsolvable,
    Withdrawn,
}

impl ProblemStatus {
    pub const ALL: [ProblemStatus; 7] = [
        ProblemStatus::Routed,
        ProblemStatus::Claimed,
        ProblemStatus::Responded,
        ProblemStatus::Closed,
        ProblemStatus::Solved,
        ProblemStatus::Unsolvable,
        ProblemStatus::Withdrawn,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            ProblemStatus::Routed => "routed",
            ProblemStatus::Claimed => "claimed",
            ProblemStatus::Responded => "responded",
            ProblemStatus::Closed => "closed",
            ProblemStatus::Solved => "solved",
            ProblemStatus::Unsolvable => "unsolvable",
            ProblemStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<ProblemStatus> {
        ProblemStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub const fn label(self) -> K {
        match self {
            ProblemStatus::Routed => K::StRouted,
            ProblemStatus::Claimed => K::StClaimed,
            ProblemStatus::Responded => K::StResponded,
            ProblemStatus::Closed => K::StClosed,
            ProblemStatus::Solved => K::StSolved,
            ProblemStatus::Unsolvable => K::StUnsolvable,
            ProblemStatus::Withdrawn => K::StWithdrawn,
        }
    }

    pub fn name(self, locale: Locale) -> &'static str {
        self.label().t(locale)
    }

    /// Still waiting for a member unit to act: these can become overdue.
    pub const fn is_open(self) -> bool {
        matches!(self, ProblemStatus::Routed | ProblemStatus::Claimed | ProblemStatus::Responded)
    }

    /// The lifecycle as a table. Reopening (closed → claimed) happens when the firm is not
    /// satisfied; an unsolvable verdict can be revisited the same way.
    pub const fn can_become(self, to: ProblemStatus) -> bool {
        use ProblemStatus::*;
        matches!(
            (self, to),
            (Routed, Claimed)
                | (Routed, Withdrawn)
                | (Claimed, Responded)
                | (Claimed, Unsolvable)
                | (Claimed, Withdrawn)
                | (Responded, Closed)
                | (Responded, Claimed)
                | (Responded, Withdrawn)
                | (Closed, Solved)
                | (Closed, Claimed)
                | (Unsolvable, Claimed)
        )
    }

    pub fn transition(self, to: ProblemStatus) -> Result<ProblemStatus, Error> {
        if self.can_become(to) {
            Ok(to)
        } else {
            Err(Error::Conflict(
                FieldError::new("status", K::ErrIllegalTransition)
                    .with("from", self.name(Locale::Zh))
                    .with("to", to.name(Locale::Zh)),
            ))
        }
    }
}

/// The firm's rating when it confirms (回访 / 满意度).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Satisfaction {
    Satisfied,
    BasicallySatisfied,
    Dissatisfied,
}

impl Satisfaction {
    pub const fn code(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::BasicallySatisfied => "basically_satisfied",
            Satisfaction::Dissatisfied => "dissatisfied",
        }
    }

    pub fn from_code(code: &str) -> Option<Satisfaction> {
        [Satisfaction::Satisfied, Satisfaction::BasicallySatisfied, Satisfaction::Dissatisfied].into_iter().find(|s| s.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProblemStatus::*;

    #[test]
    fn the_whole_table() {
        let legal = [
            (Routed, Claimed),
            (Routed, Withdrawn),
            (Claimed, Responded),
            (Claimed, Unsolvable),
            (Claimed, Withdrawn),
            (Responded, Closed),
            (Responded, Claimed),
            (Responded, Withdrawn),
            (Closed, Solved),
            (Closed, Claimed),
            (Unsolvable, Claimed),
        ];
        for from in ProblemStatus::ALL {
            for to in ProblemStatus::ALL {
                let expected = legal.contains(&(from, to));
                assert_eq!(from.can_become(to), expected, "{from:?} -> {to:?}");
                assert_eq!(from.transition(to).is_ok(), expected);
            }
        }
    }

    #[test]
    fn solved_and_withdrawn_are_final() {
        for to in ProblemStatus::ALL {
            assert!(!Solved.can_become(to));
            assert!(!Withdrawn.can_become(to));
        }
    }

    #[test]
    fn codes_round_trip() {
        for s in ProblemStatus::ALL {
            assert_eq!(ProblemStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(Satisfaction::from_code("basically_satisfied"), Some(Satisfaction::BasicallySatisfied));
    }

    #[test]
    fn an_illegal_move_says_why_in_chinese() {
        let err = Routed.transition(Solved).unwrap_err();
        assert_eq!(err.message(Locale::Zh), "问题状态不能从“待认领”变为“已解决”");
    }
}
