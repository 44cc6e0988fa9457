//! Mail for `tackle sendmail`: parsing addresses, composing messages from flags, reading
//! complete messages for `-t`, getting the SMTP password, and the SMTP conversation itself
//! (lettre over rustls) with every failure mapped to a sysexits.h status that names the stage.

pub mod address;
pub mod compose;
pub mod raw;
pub mod secret;
pub mod smtp;
pub mod sysexits;
