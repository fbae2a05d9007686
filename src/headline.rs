//! The ten headline outcomes of the Supporting Families Outcome Framework
//! (2022–25), with their stable ids and national names. Each need of an
//! `sf2022` plan (a `problem … headline ID`) sits under one of them.

use serde::Serialize;

/// One headline outcome; serializes as its stable id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Headline {
    /// Getting a good education.
    Education,
    /// Good early years development.
    EarlyYears,
    /// Improved mental and physical health.
    Health,
    /// Better managed substance use.
    SubstanceUse,
    /// Improved family relationships.
    FamilyRelationships,
    /// Children safe from abuse and exploitation.
    SafeChildren,
    /// Families diverted from crime.
    Crime,
    /// Safe from domestic abuse.
    DomesticAbuse,
    /// Secure housing.
    Housing,
    /// Financial stability.
    FinancialStability,
}

impl Headline {
    /// Every headline, in the guidance's order, with its id and national name.
    pub const ALL: [(Headline, &'static str, &'static str); 10] = [
        (Headline::Education, "education", "getting a good education"),
        (
            Headline::EarlyYears,
            "early_years",
            "good early years development",
        ),
        (
            Headline::Health,
            "health",
            "improved mental and physical health",
        ),
        (
            Headline::SubstanceUse,
            "substance_use",
            "better managed substance use",
        ),
        (
            Headline::FamilyRelationships,
            "family_relationships",
            "improved family relationships",
        ),
        (
            Headline::SafeChildren,
            "safe_children",
            "children safe from abuse and exploitation",
        ),
        (Headline::Crime, "crime", "families diverted from crime"),
        (
            Headline::DomesticAbuse,
            "domestic_abuse",
            "safe from domestic abuse",
        ),
        (Headline::Housing, "housing", "secure housing"),
        (
            Headline::FinancialStability,
            "financial_stability",
            "financial stability",
        ),
    ];

    /// The headline a plan names by `id`.
    pub fn from_id(id: &str) -> Option<Headline> {
        Headline::ALL
            .iter()
            .find(|(_, known, _)| *known == id)
            .map(|(headline, _, _)| *headline)
    }

    /// Its stable id, as a plan writes it.
    pub fn id(self) -> &'static str {
        Headline::ALL
            .iter()
            .find(|(headline, _, _)| *headline == self)
            .map_or("", |(_, id, _)| id)
    }

    /// Its national name.
    pub fn name(self) -> &'static str {
        Headline::ALL
            .iter()
            .find(|(headline, _, _)| *headline == self)
            .map_or("", |(_, _, name)| name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_headline_reads_back_from_its_id_and_serializes_as_it() {
        for (headline, id, _) in Headline::ALL {
            assert_eq!(Headline::from_id(id), Some(headline));
            assert_eq!(headline.id(), id);
            assert_eq!(
                serde_json::to_string(&headline).ok(),
                Some(format!("\"{id}\""))
            );
        }
        assert_eq!(Headline::from_id("work"), None);
    }
}
