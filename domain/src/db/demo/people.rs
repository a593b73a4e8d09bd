//! The demo's people: the office, leaders, one handler per member unit, and ~80 coordinators
//! drawn mostly from the departments that carry the campaign.

use super::Generator;
use super::tables::{person, phone};
use crate::db::entity::user;
use crate::error::Error;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

impl<T: ConnectionTrait> Generator<'_, T> {
    /// A user with a fresh phone number and the demo password.
    fn user(&mut self, role: &str, unit: Option<i32>, hash: &str) -> user::ActiveModel {
        let name = person(&mut self.rng);
        let phone = phone(&mut self.rng, &mut self.phones);
        user::ActiveModel {
            name: Set(name),
            // Without a key the sealed phone cannot be written either: the insert fails.
            phone_hash: Set(crate::db::crypto::phone_hash(&phone).ok()),
            phone: Set(crate::db::crypto::Sealed(phone)),
            username: Set(None),
            role: Set(role.to_owned()),
            member_unit_id: Set(unit),
            password_hash: Set(Some(hash.to_owned())),
            // The demo password is published: whoever logs in first sets their own.
            must_change_password: Set(true),
            password_changed_at: Set(Some(chrono::Utc::now())),
            active: Set(true),
            created_at: Set(self.created),
            updated_at: Set(self.created),
            ..Default::default()
        }
    }

    pub(super) async fn people(&mut self) -> Result<(), Error> {
        // One hash for all demo users: argon2 is slow by design, and these accounts are for show.
        let hash = crate::db::accounts::hash_password(super::DEMO_PASSWORD)?;
        let named = |mut m: user::ActiveModel, username: &str| {
            m.username = Set(Some(username.to_owned()));
            m
        };
        for role in ["office", "leader"] {
            for i in 0..2 {
                let u = self.user(role, None, &hash);
                if i == 0 { named(u, role) } else { u }
                    .insert(self.txn)
                    .await?;
            }
        }
        // The three administrators (三权分立), one account each.
        for role in ["sysadmin", "secadmin", "auditor"] {
            named(self.user(role, None, &hash), role)
                .insert(self.txn)
                .await?;
        }
        let unit_ids: Vec<i32> = self.units.iter().map(|u| u.id).collect();
        for (i, unit) in unit_ids.into_iter().enumerate() {
            let u = self.user("unit", Some(unit), &hash);
            if i == 0 { named(u, "unit") } else { u }
                .insert(self.txn)
                .await?;
        }
        let heavy: Vec<i32> = self
            .units
            .iter()
            .filter(|u| {
                [
                    "省工业和信息化厅",
                    "省发展改革委",
                    "省科技厅",
                    "省财政厅",
                    "省商务厅",
                ]
                .contains(&u.name_zh.as_str())
            })
            .map(|u| u.id)
            .collect();
        for i in 0..80 {
            let unit = if i % 3 == 0 {
                let units = &self.units;
                self.rng.pick(units).id
            } else {
                *self.rng.pick(&heavy)
            };
            let u = self.user("coordinator", Some(unit), &hash);
            let u = match i {
                0 => named(u, "coordinator"),
                1 => named(u, "coordinator2"),
                _ => u,
            };
            let u = u.insert(self.txn).await?;
            self.coordinators.push(u.id);
        }
        Ok(())
    }
}
