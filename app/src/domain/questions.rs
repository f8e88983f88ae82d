//! What an event type's booking form asks beyond name and email: the phone
//! number (if at all) and the host's own questions, with the rules their
//! answers must satisfy.
use super::QuestionId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const MAX_QUESTIONS: usize = 20;
pub const MAX_LABEL_CHARS: usize = 300;
pub const MAX_OPTIONS: usize = 20;
pub const MAX_OPTION_CHARS: usize = 200;
pub const MAX_SHORT_ANSWER_CHARS: usize = 500;
pub const MAX_LONG_ANSWER_CHARS: usize = 5_000;

/// Whether the booking form asks for a phone number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneField {
    Hidden,
    #[default]
    Optional,
    Required,
}

impl PhoneField {
    pub const ALL: [Self; 3] = [Self::Hidden, Self::Optional, Self::Required];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hidden => "hidden",
            Self::Optional => "optional",
            Self::Required => "required",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Hidden => "Don’t ask",
            Self::Optional => "Ask, optional",
            Self::Required => "Ask, required",
        }
    }

    /// Blank means the default.
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim() {
            "" => Ok(Self::default()),
            raw => Self::ALL
                .into_iter()
                .find(|p| p.as_str() == raw)
                .ok_or_else(|| "Choose whether to ask for a phone number.".to_owned()),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    #[default]
    ShortText,
    LongText,
    /// One of the host's options, picked with radio buttons.
    Choice,
    /// Any of the host's options, picked with checkboxes; stored one per line.
    MultipleChoice,
    /// A number, whole or decimal, stored as typed.
    Number,
    /// "Yes" or "No".
    YesNo,
    /// A calendar date, stored as `YYYY-MM-DD`.
    Date,
}

/// The two answers of a [`QuestionKind::YesNo`] question, as stored.
pub const YES_NO: [&str; 2] = ["Yes", "No"];

impl QuestionKind {
    pub const ALL: [Self; 7] = [
        Self::ShortText,
        Self::LongText,
        Self::Choice,
        Self::MultipleChoice,
        Self::Number,
        Self::YesNo,
        Self::Date,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ShortText => "short_text",
            Self::LongText => "long_text",
            Self::Choice => "choice",
            Self::MultipleChoice => "multiple_choice",
            Self::Number => "number",
            Self::YesNo => "yes_no",
            Self::Date => "date",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ShortText => "Short answer",
            Self::LongText => "Paragraph",
            Self::Choice => "One of several options",
            Self::MultipleChoice => "Any of several options",
            Self::Number => "Number",
            Self::YesNo => "Yes or no",
            Self::Date => "Date",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
            .ok_or_else(|| "Choose a question type.".to_owned())
    }

    /// The host gives the options to choose from.
    pub fn has_options(self) -> bool {
        matches!(self, Self::Choice | Self::MultipleChoice)
    }

    fn max_answer_chars(self) -> usize {
        match self {
            Self::LongText | Self::MultipleChoice => MAX_LONG_ANSWER_CHARS,
            Self::ShortText | Self::Choice | Self::Number | Self::YesNo | Self::Date => MAX_SHORT_ANSWER_CHARS,
        }
    }

    /// The answer as stored, or why `value` (trimmed, not empty) does not
    /// answer a question of this kind with `options`.
    fn check(self, value: &str, options: &[String]) -> Result<String, &'static str> {
        match self {
            Self::ShortText | Self::LongText => Ok(value.to_owned()),
            Self::Choice => options
                .iter()
                .find(|o| *o == value)
                .cloned()
                .ok_or("Choose one of the options."),
            Self::MultipleChoice => {
                let picked: Vec<&str> = value.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
                if picked.iter().any(|p| !options.iter().any(|o| o == p)) {
                    return Err("Choose only from the options.");
                }
                // In the host's order, each once.
                let chosen: Vec<&str> = options
                    .iter()
                    .filter(|o| picked.contains(&o.as_str()))
                    .map(String::as_str)
                    .collect();
                Ok(chosen.join("\n"))
            }
            Self::YesNo => YES_NO
                .into_iter()
                .find(|answer| answer.eq_ignore_ascii_case(value))
                .map(str::to_owned)
                .ok_or("Choose yes or no."),
            Self::Number => value
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(|_| value.to_owned())
                .ok_or("Enter a number, such as 12 or 3.5."),
            Self::Date => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map(|date| date.format("%Y-%m-%d").to_string())
                .map_err(|_| "Enter a date as YYYY-MM-DD."),
        }
    }
}

/// A question of an event type's booking form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: QuestionId,
    pub label: String,
    pub kind: QuestionKind,
    pub required: bool,
    /// The choices of a question that [`QuestionKind::has_options`]; empty otherwise.
    pub options: Vec<String>,
}

impl Question {
    /// The form field its answer is submitted and reported under.
    pub fn field(&self) -> String {
        answer_field(self.id.as_str())
    }
}

pub fn answer_field(question_id: &str) -> String {
    format!("answer-{question_id}")
}

/// The key under which the form submits the option at `index` of a
/// several-options question, one checkbox each.
pub fn option_key(question_id: &str, index: usize) -> String {
    format!("{question_id}:{index}")
}

/// A question's submitted answer: its own key, or for several options the
/// ticked checkboxes' options, one per line.
fn submitted(question: &Question, raw: &BTreeMap<String, String>) -> String {
    let own = raw.get(question.id.as_str()).map(|v| v.trim()).unwrap_or_default();
    if question.kind != QuestionKind::MultipleChoice || !own.is_empty() {
        return own.to_owned();
    }
    (0..question.options.len())
        .filter_map(|index| raw.get(&option_key(question.id.as_str(), index)))
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A question's settings, validated, without its identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionSpec {
    pub label: String,
    pub kind: QuestionKind,
    pub required: bool,
    pub options: Vec<String>,
}

impl QuestionSpec {
    /// Checks the editor's fields; options come one per line.
    pub fn parse(label: &str, kind: &str, required: bool, options: &str) -> Result<Self, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let label = label.trim();
        if label.is_empty() {
            errors.push(("label", "Enter the question.".to_owned()));
        } else if label.chars().count() > MAX_LABEL_CHARS {
            errors.push((
                "label",
                format!("Keep the question to {MAX_LABEL_CHARS} characters or fewer."),
            ));
        }
        let kind = QuestionKind::parse(kind).map_err(|e| errors.push(("kind", e))).ok();
        let mut list: Vec<String> = Vec::new();
        for option in options.lines().map(str::trim).filter(|o| !o.is_empty()) {
            if !list.iter().any(|o| o == option) {
                list.push(option.to_owned());
            }
        }
        if kind.is_some_and(QuestionKind::has_options) {
            if list.len() < 2 {
                errors.push(("options", "Give at least two options, one per line.".to_owned()));
            } else if list.len() > MAX_OPTIONS {
                errors.push(("options", format!("Give at most {MAX_OPTIONS} options.")));
            } else if list.iter().any(|o| o.chars().count() > MAX_OPTION_CHARS) {
                errors.push((
                    "options",
                    format!("Keep each option to {MAX_OPTION_CHARS} characters or fewer."),
                ));
            }
        } else {
            list.clear();
        }
        match kind {
            Some(kind) if errors.is_empty() => Ok(Self {
                label: label.to_owned(),
                kind,
                required,
                options: list,
            }),
            _ => Err(errors),
        }
    }
}

/// An invitee's answer, kept with the question as it was asked so that
/// later edits of the question do not change what was answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub question_id: QuestionId,
    pub question: String,
    pub value: String,
}

/// Checks the submitted answers (keyed by question id) against the
/// questions, in the questions' order. Unanswered optional questions are
/// left out; answers to unknown questions are ignored. Errors name each
/// question's [`Question::field`].
pub fn check_answers(
    questions: &[Question],
    raw: &BTreeMap<String, String>,
) -> Result<Vec<Answer>, Vec<(String, String)>> {
    let mut answers = Vec::new();
    let mut errors = Vec::new();
    for question in questions {
        let value = submitted(question, raw);
        let value = value.as_str();
        if value.is_empty() {
            if question.required {
                let message = match question.kind {
                    QuestionKind::Choice => "Choose an answer.",
                    QuestionKind::MultipleChoice => "Choose at least one answer.",
                    QuestionKind::YesNo => "Choose yes or no.",
                    _ => "Answer this question.",
                };
                errors.push((question.field(), message.to_owned()));
            }
            continue;
        }
        let max = question.kind.max_answer_chars();
        if value.chars().count() > max {
            errors.push((
                question.field(),
                format!("Keep the answer to {max} characters or fewer."),
            ));
            continue;
        }
        match question.kind.check(value, &question.options) {
            Ok(value) => answers.push(Answer {
                question_id: question.id.clone(),
                question: question.label.clone(),
                value,
            }),
            Err(message) => errors.push((question.field(), message.to_owned())),
        }
    }
    if errors.is_empty() { Ok(answers) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(id: &str, kind: QuestionKind, required: bool) -> Question {
        Question {
            id: id.into(),
            label: format!("Question {id}"),
            kind,
            required,
            options: if kind.has_options() {
                vec!["Small".to_owned(), "Large".to_owned()]
            } else {
                Vec::new()
            },
        }
    }

    fn raw(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn several_options_come_as_checkboxes_or_lines_and_keep_the_host_s_order() {
        let questions = [question("m", QuestionKind::MultipleChoice, true)];
        let ticked = check_answers(&questions, &raw(&[("m:1", "Large"), ("m:0", "Small")])).unwrap();
        assert_eq!(ticked[0].value, "Small\nLarge");
        let lines = check_answers(&questions, &raw(&[("m", "Large\nLarge")])).unwrap();
        assert_eq!(lines[0].value, "Large");
        let errors = check_answers(&questions, &raw(&[("m", "Huge")])).unwrap_err();
        assert_eq!(errors[0].1, "Choose only from the options.");
        let errors = check_answers(&questions, &raw(&[])).unwrap_err();
        assert_eq!(errors[0].1, "Choose at least one answer.");
        assert!(QuestionSpec::parse("Roles", "multiple_choice", false, "Only one").is_err());
    }

    #[test]
    fn phone_field_defaults_to_optional_and_rejects_unknown_values() {
        assert_eq!(PhoneField::parse(""), Ok(PhoneField::Optional));
        assert_eq!(PhoneField::parse("required"), Ok(PhoneField::Required));
        assert!(PhoneField::parse("sometimes").is_err());
    }

    #[test]
    fn a_choice_question_needs_two_distinct_options() {
        let errors = QuestionSpec::parse("Team size?", "choice", true, "Small\n\n Small ").unwrap_err();
        assert_eq!(errors[0].0, "options");
        let spec = QuestionSpec::parse(" Team size? ", "choice", true, "Small\n Large \n").unwrap();
        assert_eq!(spec.label, "Team size?");
        assert_eq!(spec.options, ["Small", "Large"]);
    }

    #[test]
    fn text_questions_drop_options_and_need_a_label() {
        let spec = QuestionSpec::parse("Company", "short_text", false, "left over").unwrap();
        assert!(spec.options.is_empty());
        let errors = QuestionSpec::parse(" ", "essay", false, "").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["label", "kind"]);
        assert!(QuestionSpec::parse(&"q".repeat(301), "short_text", false, "").is_err());
    }

    #[test]
    fn required_answers_are_enforced_and_named_by_field() {
        let questions = [
            question("a", QuestionKind::ShortText, true),
            question("b", QuestionKind::Choice, true),
            question("c", QuestionKind::LongText, false),
        ];
        let errors = check_answers(&questions, &raw(&[("a", "  ")])).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["answer-a", "answer-b"]);
    }

    #[test]
    fn answers_keep_the_question_order_and_text_and_skip_blank_optionals() {
        let questions = [
            question("a", QuestionKind::ShortText, false),
            question("b", QuestionKind::Choice, true),
            question("c", QuestionKind::LongText, false),
        ];
        let answers = check_answers(&questions, &raw(&[("c", " Hi "), ("b", "Large"), ("zzz", "ignored")])).unwrap();
        assert_eq!(
            answers,
            [
                Answer {
                    question_id: "b".into(),
                    question: "Question b".into(),
                    value: "Large".into()
                },
                Answer {
                    question_id: "c".into(),
                    question: "Question c".into(),
                    value: "Hi".into()
                },
            ]
        );
    }

    #[test]
    fn a_choice_outside_the_options_and_an_overlong_answer_are_refused() {
        let questions = [
            question("b", QuestionKind::Choice, false),
            question("s", QuestionKind::ShortText, false),
            question("l", QuestionKind::LongText, false),
        ];
        let long = "x".repeat(501);
        let errors = check_answers(&questions, &raw(&[("b", "Medium"), ("s", &long), ("l", &long)])).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["answer-b", "answer-s"]);
    }

    #[test]
    fn numbers_yes_no_and_dates_are_checked_and_stored_plainly() {
        let questions = [
            question("n", QuestionKind::Number, true),
            question("y", QuestionKind::YesNo, true),
            question("d", QuestionKind::Date, false),
        ];
        let answers = check_answers(&questions, &raw(&[("n", " 3.5 "), ("y", "yes"), ("d", "2026-12-24")])).unwrap();
        let values: Vec<&str> = answers.iter().map(|a| a.value.as_str()).collect();
        assert_eq!(values, ["3.5", "Yes", "2026-12-24"]);

        let errors = check_answers(&questions, &raw(&[("n", "twelve"), ("d", "24.12.2026")])).unwrap_err();
        let fields: Vec<(&str, &str)> = errors.iter().map(|(f, m)| (f.as_str(), m.as_str())).collect();
        assert_eq!(
            fields,
            [
                ("answer-n", "Enter a number, such as 12 or 3.5."),
                ("answer-y", "Choose yes or no."),
                ("answer-d", "Enter a date as YYYY-MM-DD."),
            ]
        );
        assert!(
            check_answers(&questions, &raw(&[("n", "inf"), ("y", "No")])).is_err(),
            "not a finite number"
        );
        assert!(check_answers(&questions, &raw(&[("n", "1e3"), ("y", "maybe")])).is_err());
    }
}
