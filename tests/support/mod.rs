//! Test support shared by the sendmail tests: an SMTP server of our own ([`smtp`]),
//! received messages parsed back with the mail-parser crate ([`parsed`]), and the command
//! lines both stages send ([`command`]).
#![allow(dead_code)]

pub mod command;
pub mod parsed;
pub mod smtp;
