//! Tests of the resolution: tiers and their fallbacks, each rule condition, the best rule, turnover
//! conditions, and the properties every resolution keeps.

use std::cell::RefCell;

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;

use super::*;
use crate::pricing::fixtures::{OTHER_PRODUCT, PRODUCT, cur, d, day, rule, today};
use crate::pricing::{DiscountRuleFields, PriceListFields, TurnoverCondition};

fn price_list(currency: &str, tiers: &[(Uuid, &str, &str)]) -> PriceList {
    let at = DateTime::<Utc>::UNIX_EPOCH;
    let entries = tiers
        .iter()
        .map(|&(product_id, min, price)| PriceListEntry {
            product_id,
            unit_price: d(price),
            min_quantity: d(min),
        })
        .collect();
    PriceList {
        id: Uuid::from_u128(10),
        fields: PriceListFields {
            name: "Dealers".into(),
            currency: cur(currency),
            valid_from: None,
            valid_to: None,
            entries,
        },
        version: 1,
        created_at: at,
        updated_at: at,
    }
}

/// 12.00 EUR list price, product group "Tools", a "Wholesale" customer, on 2026-11-25, in EUR.
fn query<'a>(list: Option<&'a PriceList>, rules: &'a [DiscountRule], quantity: &str) -> PricingQuery<'a> {
    PricingQuery {
        product: PricedProduct {
            id: PRODUCT,
            list_price: d("12.00"),
            currency: cur("EUR"),
            product_group: Some("Tools"),
        },
        customer_group: Some("Wholesale"),
        price_list: list,
        contracts: &[],
        contract_price_list: None,
        rules,
        quantity: d(quantity),
        date: today(),
        currency: cur("EUR"),
    }
}

fn no_turnover(_: TurnoverPeriod, _: Currency) -> Decimal {
    Decimal::ZERO
}

/// Each consideration as "code: reason".
fn explain(resolution: &Resolution) -> Vec<String> {
    let line = |c: &Consideration| format!("{}: {}", c.code, c.reason);
    resolution.explanation.iter().map(line).collect()
}

#[test]
fn the_tier_with_the_highest_min_quantity_up_to_the_quantity_wins() {
    let tiers = [
        (PRODUCT, "50", "9.00"),
        (PRODUCT, "10", "9.5"),
        (PRODUCT, "100", "8.125"),
        (OTHER_PRODUCT, "0", "1.00"),
    ];
    let list = price_list("EUR", &tiers);
    let not_needed = "not_needed: list price 12.00 EUR not used: the price list gives the price";
    for (quantity, price, first) in [
        (
            "5",
            "12.00",
            "below_lowest_tier: its lowest tier starts at 10 units, the quantity is 5",
        ),
        ("10", "9.5", "applied: tier from 10 units: 9.50 EUR"),
        ("49.5", "9.5", "applied: tier from 10 units: 9.50 EUR"),
        ("50", "9.00", "applied: tier from 50 units: 9.00 EUR"),
        ("1000", "8.125", "applied: tier from 100 units: 8.125 EUR"),
    ] {
        let resolution = resolve(&query(Some(&list), &[], quantity), no_turnover);
        assert_eq!(resolution.unit_price, Some(d(price)), "{quantity}");
        let second = if quantity == "5" {
            "applied: list price: 12.00 EUR"
        } else {
            not_needed
        };
        assert_eq!(explain(&resolution), [first, second], "{quantity}");
    }
    let base = price_list("EUR", &[(PRODUCT, "0", "9")]);
    let resolution = resolve(&query(Some(&base), &[], "0.5"), no_turnover);
    assert_eq!(explain(&resolution)[0], "applied: price list price: 9.00 EUR");
    let only_other = price_list("EUR", &[(OTHER_PRODUCT, "0", "1.00")]);
    let resolution = resolve(&query(Some(&only_other), &[], "5"), no_turnover);
    assert_eq!(resolution.unit_price, Some(d("12.00")));
    assert_eq!(
        explain(&resolution)[0],
        "no_entry_for_product: it has no price for this product"
    );
}

#[test]
fn a_list_out_of_its_window_or_in_another_currency_falls_back_to_the_list_price() {
    let mut future = price_list("EUR", &[(PRODUCT, "0", "9.00")]);
    future.fields.valid_from = Some(day("2027-01-01"));
    let resolution = resolve(&query(Some(&future), &[], "1"), no_turnover);
    assert_eq!(resolution.unit_price, Some(d("12.00")));
    assert_eq!(
        explain(&resolution),
        [
            "not_valid_on_date: valid from 2027-01-01, not on 2026-11-25",
            "applied: list price: 12.00 EUR"
        ]
    );
    future.fields.valid_from = Some(day("2026-01-01"));
    future.fields.valid_to = Some(today());
    assert!(future.is_valid_on(today()));
    let resolution = resolve(&query(Some(&future), &[], "1"), no_turnover);
    assert_eq!(resolution.unit_price, Some(d("9.00")));
    future.fields.valid_to = Some(day("2026-11-24"));
    let resolution = resolve(&query(Some(&future), &[], "1"), no_turnover);
    assert_eq!(
        explain(&resolution)[0],
        "not_valid_on_date: valid from 2026-01-01 to 2026-11-24, not on 2026-11-25"
    );

    let dollars = price_list("USD", &[(PRODUCT, "0", "9.00")]);
    let resolution = resolve(&query(Some(&dollars), &[], "1"), no_turnover);
    assert_eq!(resolution.unit_price, Some(d("12.00")));
    assert_eq!(
        explain(&resolution)[0],
        "currency_mismatch: its prices are in USD, the document is in EUR"
    );
}

#[test]
fn without_a_price_in_the_wanted_currency_there_is_no_price() {
    let dollars = price_list("USD", &[(PRODUCT, "0", "9.00")]);
    let mut wanted = query(Some(&dollars), &[], "1");
    wanted.product.currency = cur("USD");
    let resolution = resolve(&wanted, no_turnover);
    assert_eq!((resolution.unit_price, resolution.currency), (None, cur("EUR")));
    assert_eq!(
        explain(&resolution),
        [
            "currency_mismatch: its prices are in USD, the document is in EUR",
            "currency_mismatch: the list price is 12.00 USD, the document is in EUR"
        ]
    );
    let sources = resolution.explanation.iter().map(|c| &c.source);
    assert!(sources.eq([
        &Source::PriceList {
            id: dollars.id,
            name: "Dealers".into()
        },
        &Source::ListPrice
    ]));
}

#[test]
fn each_rule_condition_matches_or_says_why_not() {
    type Change = fn(&mut DiscountRuleFields);
    #[rustfmt::skip] // a table reads better packed
    let cases: [(Change, &str); 12] = [
        (|_| {}, "applied: 5 % discount: applies to everyone"),
        (|f| f.active = false, "inactive: the rule is switched off"),
        (|f| f.valid_from = Some(day("2026-11-26")), "not_valid_on_date: valid from 2026-11-26, not on 2026-11-25"),
        (|f| f.valid_to = Some(day("2026-11-24")), "not_valid_on_date: valid until 2026-11-24, not on 2026-11-25"),
        (|f| f.valid_to = Some(today()), "applied: 5 % discount: applies to everyone"),
        (|f| f.customer_group = Some("Retail".into()),
            "customer_group_mismatch: only for customer group Retail, the customer is in Wholesale"),
        (|f| f.customer_group = Some("Wholesale".into()), "applied: 5 % discount: customer group Wholesale"),
        (|f| f.customer_group = Some("wholesale".into()),
            "customer_group_mismatch: only for customer group wholesale, the customer is in Wholesale"),
        (|f| f.product_group = Some("Food".into()),
            "product_group_mismatch: only for product group Food, the product is in Tools"),
        (|f| f.product_group = Some("Tools".into()), "applied: 5 % discount: product group Tools"),
        (|f| f.min_quantity = Some(d("10.5")), "below_min_quantity: from 10.5 units, the quantity is 10"),
        (|f| f.min_quantity = Some(d("10")), "applied: 5 % discount: from 10 units"),
    ];
    for (change, expected) in cases {
        let mut candidate = rule("Spring", "5");
        change(&mut candidate.fields);
        let rules = [candidate];
        let resolution = resolve(&query(None, &rules, "10"), no_turnover);
        assert_eq!(explain(&resolution)[1], expected);
        let applied = expected.starts_with("applied");
        assert_eq!(resolution.explanation[1].applied, applied, "{expected}");
        assert_eq!(
            resolution.discount_percent,
            if applied { d("5") } else { Decimal::ZERO }
        );
    }
    let mut retail = rule("Retail", "5");
    retail.fields.customer_group = Some("Retail".into());
    let rules = [retail];
    let mut no_group = query(None, &rules, "1");
    no_group.customer_group = None;
    assert_eq!(
        explain(&resolve(&no_group, no_turnover))[1],
        "customer_group_mismatch: only for customer group Retail, the customer has no group"
    );
}

#[test]
fn the_best_rule_wins_alone_and_ties_go_to_the_earlier_rule() {
    let mut retail = rule("Retail", "30");
    retail.fields.customer_group = Some("Retail".into());
    let rules = [rule("Base", "5"), rule("Big", "12"), rule("Wholesale", "12"), retail];
    let resolution = resolve(&query(None, &rules, "1"), no_turnover);
    assert_eq!(resolution.discount_percent, d("12"));
    assert_eq!(resolution.discount_rule_id, Some(rules[1].id));
    assert_eq!(
        explain(&resolution)[1..],
        [
            "not_best: a better rule applies: Big (12 %)",
            "applied: 12 % discount: applies to everyone",
            "not_best: an earlier rule with the same discount applies: Big (12 %)",
            "customer_group_mismatch: only for customer group Retail, the customer is in Wholesale",
        ]
    );
    let big = Source::DiscountRule {
        id: rules[1].id,
        name: "Big".into(),
    };
    assert_eq!(resolution.explanation[2].source, big);

    let none = resolve(&query(None, &[], "1"), no_turnover);
    assert_eq!((none.discount_percent, none.discount_rule_id), (Decimal::ZERO, None));
}

#[test]
fn turnover_rules_read_the_turnover_of_the_previous_period() {
    let with_turnover = |name, period, threshold, currency| {
        let mut rule = rule(name, "7.5");
        rule.fields.turnover = Some(TurnoverCondition {
            period,
            threshold: d(threshold),
            currency: cur(currency),
        });
        rule
    };
    let mut loyal = with_turnover("Loyal", TurnoverPeriod::Quarter, "5000.00", "EUR");
    loyal.fields.customer_group = Some("Wholesale".into());
    let dollars = with_turnover("Loyal USD", TurnoverPeriod::HalfYear, "100", "USD");
    let mut switched_off = with_turnover("Old", TurnoverPeriod::Year, "1", "EUR");
    switched_off.fields.active = false;
    let rules = [loyal.clone(), dollars, loyal, switched_off];
    let conditions = turnover_conditions(&rules);
    let expected = [
        (TurnoverPeriod::Quarter, cur("EUR")),
        (TurnoverPeriod::HalfYear, cur("USD")),
    ];
    assert_eq!(conditions, expected);

    let asked = RefCell::new(Vec::new());
    let below = |period, currency| {
        asked.borrow_mut().push((period, currency));
        d("4200")
    };
    let resolution = resolve(&query(None, &rules, "1"), below);
    let below_threshold = "turnover_below_threshold: turnover last quarter (2026-07-01 to 2026-09-30) \
                           was 4200.00 EUR, below the threshold of 5000.00 EUR";
    assert_eq!(explain(&resolution)[1], below_threshold);
    assert_eq!(
        explain(&resolution)[3..],
        [below_threshold, "inactive: the rule is switched off"]
    );
    assert!(asked.borrow().iter().all(|pair| conditions.contains(pair)));
    assert_eq!(resolution.discount_rule_id, Some(rules[1].id), "4200 USD reach 100 USD");

    let by_period = |period, _| {
        if period == TurnoverPeriod::Quarter {
            d("5000")
        } else {
            d("99.99")
        }
    };
    let resolution = resolve(&query(None, &rules, "1"), by_period);
    assert_eq!(
        explain(&resolution)[1..4],
        [
            "applied: 7.5 % discount: customer group Wholesale; turnover last quarter (2026-07-01 to \
             2026-09-30) was 5000.00 EUR, reaching the threshold of 5000.00 EUR",
            "turnover_below_threshold: turnover last half-year (2026-01-01 to 2026-06-30) was 99.99 USD, \
             below the threshold of 100.00 USD",
            "not_best: an earlier rule with the same discount applies: Loyal (7.5 %)",
        ]
    );
}

/// A rule with random conditions around the query of `query` (customer A/B, product X/Y, today ± 3 days).
fn arb_rule() -> impl Strategy<Value = DiscountRule> {
    let group = |names: [&'static str; 2]| prop::option::of(prop::sample::select(names.to_vec()));
    let turnover = (prop::sample::select(TurnoverPeriod::ALL.to_vec()), 0u32..=200);
    (
        1u32..=20,
        prop::bool::weighted(0.8),
        (group(["A", "B"]), group(["X", "Y"])),
        prop::option::of(0u32..=20),
        (prop::option::of(-3i64..=3), prop::option::of(-3i64..=3)),
        prop::option::of(turnover),
    )
        .prop_map(|(percent, active, (customer, product), min, (from, to), turnover)| {
            let mut rule = rule("Rule", &percent.to_string());
            let f = &mut rule.fields;
            f.active = active;
            f.customer_group = customer.map(str::to_owned);
            f.product_group = product.map(str::to_owned);
            f.min_quantity = min.map(Decimal::from);
            f.valid_from = from.map(|days| today() + TimeDelta::days(days));
            f.valid_to = to.map(|days| today() + TimeDelta::days(days));
            f.turnover = turnover.map(|(period, threshold)| TurnoverCondition {
                period,
                threshold: Decimal::from(threshold),
                currency: cur("EUR"),
            });
            rule
        })
}

fn arb_rules() -> impl Strategy<Value = Vec<DiscountRule>> {
    prop::collection::vec(arb_rule(), 0..8).prop_map(|mut rules| {
        for (i, rule) in (0u128..).zip(rules.iter_mut()) {
            rule.id = Uuid::from_u128(100 + i);
        }
        rules
    })
}

/// The turnover of each period, in the order of `TurnoverPeriod::ALL`.
fn turnover_of(turnovers: [u32; 4]) -> impl Fn(TurnoverPeriod, Currency) -> Decimal {
    move |period, _| {
        let index = TurnoverPeriod::ALL.iter().position(|p| *p == period).unwrap();
        Decimal::from(turnovers[index])
    }
}

proptest! {
    #[test]
    fn the_discount_is_the_best_percent_among_matching_rules(
        rules in arb_rules(),
        customer in prop::option::of(prop::sample::select(vec!["A", "B"])),
        product in prop::option::of(prop::sample::select(vec!["X", "Y"])),
        quantity in 0u32..=25,
        turnovers in prop::array::uniform4(0u32..=200),
    ) {
        let mut wanted = query(None, &rules, "0");
        wanted.customer_group = customer;
        wanted.product.product_group = product;
        wanted.quantity = Decimal::from(quantity);
        let turnover = turnover_of(turnovers);
        let matches = |rule: &DiscountRule| {
            let f = &rule.fields;
            f.active
                && f.valid_from.is_none_or(|from| from <= today())
                && f.valid_to.is_none_or(|to| today() <= to)
                && f.customer_group.as_deref().is_none_or(|g| customer == Some(g))
                && f.product_group.as_deref().is_none_or(|g| product == Some(g))
                && f.min_quantity.is_none_or(|min| min <= wanted.quantity)
                && f.turnover.as_ref().is_none_or(|t| turnover(t.period, t.currency) >= t.threshold)
        };
        let best = rules.iter().filter(|r| matches(r)).map(|r| r.fields.percent).max();

        let resolution = resolve(&wanted, &turnover);
        prop_assert_eq!(resolution.discount_percent, best.unwrap_or(Decimal::ZERO));
        let applied: Vec<_> = resolution.explanation[1..].iter().filter(|c| c.applied).collect();
        prop_assert_eq!(applied.len(), usize::from(best.is_some()));
        if let Some(winner) = applied.first() {
            let id = resolution.discount_rule_id.unwrap();
            let is_winner = matches!(winner.source, Source::DiscountRule { id: won, .. } if won == id);
            prop_assert!(is_winner);
            let first_best = rules.iter().find(|r| matches(r) && Some(r.fields.percent) == best).unwrap();
            prop_assert_eq!(first_best.id, id);
        }
    }

    #[test]
    fn a_larger_quantity_never_costs_more_per_unit(
        tiers in prop::collection::vec((1i64..=10, 0i64..=500), 1..6),
        first_min in 0i64..=5,
        list_extra in 0i64..=500,
        reversed in any::<bool>(),
        q1 in 0u32..=60,
        q2 in 0u32..=60,
    ) {
        // Tier prices fall as min_quantity rises, and the list price is at least the first tier's.
        let (mut min, mut price) = (first_min, 100_000i64);
        let mut list = price_list("EUR", &[(OTHER_PRODUCT, "0", "0.01")]);
        for (step, drop) in tiers {
            list.fields.entries.push(PriceListEntry {
                product_id: PRODUCT,
                unit_price: Decimal::new(price, 2),
                min_quantity: Decimal::from(min),
            });
            min += step;
            price -= drop;
        }
        if reversed {
            list.fields.entries.reverse();
        }
        let mut small = query(Some(&list), &[], "0");
        small.product.list_price = Decimal::new(100_000 + list_extra, 2);
        small.quantity = Decimal::from(q1.min(q2));
        let mut large = small;
        large.quantity = Decimal::from(q1.max(q2));
        let (small, large) = (resolve(&small, no_turnover), resolve(&large, no_turnover));
        prop_assert!(large.unit_price.unwrap() <= small.unit_price.unwrap());
    }

    #[test]
    fn every_source_is_explained_once_in_order(
        rules in arb_rules(),
        list_currency in prop::option::of(prop::sample::select(vec!["EUR", "USD"])),
        quantity in 0u32..=25,
    ) {
        let list = list_currency.map(|code| price_list(code, &[(PRODUCT, "5", "9.00")]));
        let mut wanted = query(list.as_ref(), &rules, "0");
        wanted.quantity = Decimal::from(quantity);
        let resolution = resolve(&wanted, |_, _| Decimal::ONE_HUNDRED);
        let explanation = &resolution.explanation;
        prop_assert_eq!(explanation.len(), 1 + usize::from(list.is_some()) + rules.len());
        let rules_start = explanation.len() - rules.len();
        prop_assert_eq!(&explanation[rules_start - 1].source, &Source::ListPrice);
        for (considered, rule) in explanation[rules_start..].iter().zip(&rules) {
            let is_rule = matches!(considered.source, Source::DiscountRule { id, .. } if id == rule.id);
            prop_assert!(is_rule);
        }
        prop_assert_eq!(resolution.discount_rule_id.is_some(), resolution.discount_percent > Decimal::ZERO);
    }
}

/// Contract `CT-2026-000007` of the customer, running through 2026, with 10 % discount.
fn running_contract() -> Contract {
    let mut input = crate::contract::ContractInput::new(Uuid::from_u128(1), "Framework", day("2026-01-01"));
    input.valid_to = Some(day("2026-12-31"));
    input.discount_percent = Some(d("10"));
    input.price_list_id = Some(Uuid::from_u128(11));
    Contract {
        id: Uuid::from_u128(7),
        number: crate::contract::number(2026, 7),
        fields: input.validate(today()).unwrap(),
        state: crate::contract::ContractState {
            status: crate::contract::ContractStatus::Active,
            ..crate::contract::ContractState::DRAFT
        },
        version: 1,
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
    }
}

#[test]
fn a_running_contract_prices_before_the_party_and_its_discount_competes_with_the_rules() {
    let party_list = price_list("EUR", &[(PRODUCT, "0", "10.00")]);
    let mut contract_list = price_list("EUR", &[(PRODUCT, "0", "8.00")]);
    contract_list.id = Uuid::from_u128(11);
    contract_list.fields.name = "Framework prices".into();
    let contracts = [running_contract()];
    let rules = [rule("Small", "5")];
    let mut q = query(Some(&party_list), &rules, "1");
    q.contracts = &contracts;
    q.contract_price_list = Some(&contract_list);
    let resolution = resolve(&q, no_turnover);
    assert_eq!(resolution.unit_price, Some(d("8.00")));
    assert_eq!(resolution.discount_percent, d("10"));
    assert_eq!(
        (resolution.discount_rule_id, resolution.contract_id),
        (None, Some(Uuid::from_u128(7)))
    );
    assert_eq!(
        explain(&resolution),
        [
            "applied: contract CT-2026-000007 \"Framework\" applies on 2026-11-25: its conditions come first",
            "applied: the price list of contract CT-2026-000007: price list price: 8.00 EUR",
            "not_needed: not used: the price list of contract CT-2026-000007 gives the price",
            "not_needed: list price 12.00 EUR not used: the price list gives the price",
            "applied: 10 % discount of contract CT-2026-000007",
            "not_best: the discount of contract CT-2026-000007 is at least as good (10 %)",
        ]
    );

    // A better rule beats the contract's discount; the contract's price list still prices.
    let rules = [rule("Big", "15")];
    q.rules = &rules;
    let resolution = resolve(&q, no_turnover);
    assert_eq!(
        (resolution.unit_price, resolution.discount_percent),
        (Some(d("8.00")), d("15"))
    );
    assert_eq!(explain(&resolution)[4], "not_best: a better rule applies: Big (15 %)");

    // After its end the party's own conditions are back, and the explanation says why.
    q.date = day("2027-01-04");
    let resolution = resolve(&q, no_turnover);
    assert_eq!(
        (resolution.unit_price, resolution.contract_id),
        (Some(d("10.00")), None)
    );
    assert_eq!(
        explain(&resolution)[0],
        "not_valid_on_date: contract CT-2026-000007 \"Framework\" applied until 2026-12-31, not on 2027-01-04"
    );
}
