//! Organizations and their contact persons: each a pure function of its index, so documents
//! rebuild the party they are made for instead of keeping every party in memory.

use chrono::Duration;
use domain::party::{AddressInput, AddressKind, Party, PartyInput, PartyKind, PartyRole};
use domain::resource::ResourceType;
use persistence::DatabaseConnection;
use rand::Rng;
use rand::seq::IndexedRandom;

use super::catalogue::People;
use super::ids::{self, Kind};
use super::journal::Journal;
use super::{Profile, Summary};

/// Organizations per transaction (with their contacts, history and events).
const BATCH: u64 = 2_000;

const NAMES: [&str; 12] = [
    "Alpen", "Baltic", "Cedar", "Delta", "Elbe", "Fjord", "Granite", "Harbor", "Iris", "Juniper", "Kestrel", "Lumen",
];
const TRADES: [&str; 8] = [
    "Logistics",
    "Foods",
    "Systems",
    "Textiles",
    "Energy",
    "Tools",
    "Media",
    "Health",
];
const FORMS: [&str; 4] = ["GmbH", "AG", "Ltd", "SARL"];
const CITIES: [(&str, &str, &str); 6] = [
    ("Berlin", "10115", "DE"),
    ("Hamburg", "20095", "DE"),
    ("Wien", "1010", "AT"),
    ("Zürich", "8001", "CH"),
    ("Lyon", "69001", "FR"),
    ("Leeds", "LS1 1UR", "GB"),
];
const FIRST_NAMES: [&str; 10] = [
    "Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hugo", "Ida", "Jonas",
];
const LAST_NAMES: [&str; 10] = [
    "Berger", "Dietrich", "Engel", "Fischer", "Graf", "Hahn", "Keller", "Lorenz", "Meyer", "Novak",
];

pub async fn write(
    db: &DatabaseConnection,
    profile: &Profile,
    people: &People,
    summary: &mut Summary,
) -> anyhow::Result<()> {
    let mut start = 0;
    while start < profile.organizations {
        let end = (start + BATCH).min(profile.organizations);
        let mut parties = Vec::new();
        let mut journal = Journal::default();
        for i in start..end {
            let organization = organization(profile, people, i)?;
            for c in 0..profile.contacts_per_organization {
                parties.push(contact(profile, people, &organization, i, c)?);
            }
            parties.insert(
                parties.len() - ids::size(profile.contacts_per_organization),
                organization,
            );
        }
        for party in &parties {
            let form = crate::parties::record(party);
            journal.created(
                party.fields.owner_id,
                ResourceType::Party,
                party.id,
                party.created_at,
                form,
            );
        }
        journal
            .commit(db, async |txn| persistence::parties::insert_many(txn, &parties).await)
            .await?;
        start = end;
    }
    summary.counts.push(("organizations", profile.organizations));
    summary.counts.push((
        "contact persons",
        profile.organizations * profile.contacts_per_organization,
    ));
    Ok(())
}

/// Organization `i`: a customer (most) or prospect, owned by a sales user, with a billing address.
pub fn organization(profile: &Profile, people: &People, i: u64) -> anyhow::Result<Party> {
    let mut rng = ids::rng(Kind::Organization, i);
    let at = ids::spread(i, profile.organizations);
    let name = format!(
        "{} {} {} {}",
        NAMES.choose(&mut rng).expect("names"),
        TRADES.choose(&mut rng).expect("trades"),
        FORMS.choose(&mut rng).expect("forms"),
        i + 1
    );
    let (city, postal_code, country) = *CITIES.choose(&mut rng).expect("cities");
    let role = if rng.random_bool(0.7) {
        PartyRole::Customer
    } else {
        PartyRole::Prospect
    };
    let fields = PartyInput {
        kind: PartyKind::Organization,
        name,
        organization_id: None,
        roles: vec![role],
        email: Some(format!("office{}@org{}.example", i + 1, i % 997)),
        phone: Some(format!("+49 30 {i:07}")),
        website: None,
        vat_id: Some(format!("{country}{:09}", i + 100_000_000)),
        addresses: vec![AddressInput {
            kind: Some(AddressKind::Billing),
            line1: format!("Hauptstraße {}", i % 200 + 1),
            line2: None,
            city: city.to_owned(),
            postal_code: Some(postal_code.to_owned()),
            region: None,
            country: country.to_owned(),
        }],
        bank_accounts: Vec::new(),
        payment_terms_days: Some(*[14, 30, 30, 60].choose(&mut rng).expect("terms")),
        credit_limit: None,
        currency: Some("EUR".to_owned()),
        price_list_id: None,
        customer_group: Some(
            ["retail", "wholesale", "public"]
                .choose(&mut rng)
                .expect("groups")
                .to_string(),
        ),
        owner_id: Some(people.owner_of(i)),
        tags: if rng.random_bool(0.2) {
            vec!["key-account".to_owned()]
        } else {
            Vec::new()
        },
        notes: None,
        external_id: Some(format!("ERP-{:08}", i + 1)),
    }
    .validate()?;
    Ok(Party {
        id: ids::id(Kind::Organization, i, at),
        fields,
        archived_at: None,
        version: 1,
        created_at: at,
        updated_at: at,
    })
}

/// Contact person `c` of organization `i`.
pub fn contact(profile: &Profile, people: &People, organization: &Party, i: u64, c: u64) -> anyhow::Result<Party> {
    let index = i * profile.contacts_per_organization + c;
    let mut rng = ids::rng(Kind::Contact, index);
    let at = organization.created_at + Duration::minutes(ids::signed(c) + 1);
    let first = FIRST_NAMES.choose(&mut rng).expect("first names");
    let last = LAST_NAMES.choose(&mut rng).expect("last names");
    let fields = PartyInput {
        kind: PartyKind::Person,
        name: format!("{first} {last}"),
        organization_id: Some(organization.id),
        roles: organization.fields.roles.iter().copied().collect(),
        email: Some(format!(
            "{}.{}{}@org{}.example",
            first.to_lowercase(),
            last.to_lowercase(),
            index,
            i % 997
        )),
        phone: None,
        website: None,
        vat_id: None,
        addresses: Vec::new(),
        bank_accounts: Vec::new(),
        payment_terms_days: None,
        credit_limit: None,
        currency: None,
        price_list_id: None,
        customer_group: None,
        owner_id: Some(people.owner_of(i)),
        tags: Vec::new(),
        notes: None,
        external_id: None,
    }
    .validate()?;
    Ok(Party {
        id: ids::id(Kind::Contact, index, at),
        fields,
        archived_at: None,
        version: 1,
        created_at: at,
        updated_at: at,
    })
}

/// The id of contact `c` of organization `i`, without building it.
pub fn contact_id(profile: &Profile, i: u64, c: u64) -> uuid::Uuid {
    let at = ids::spread(i, profile.organizations) + Duration::minutes(ids::signed(c) + 1);
    ids::id(Kind::Contact, i * profile.contacts_per_organization + c, at)
}
