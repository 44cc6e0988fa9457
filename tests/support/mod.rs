//! Test support shared by the sendmail tests: an SMTP server of our own ([`smtp`]) and
//! received messages parsed back with the mail-parser crate ([`parsed`]).
#![allow(dead_code)]

pub mod parsed;
pub mod smtp;
