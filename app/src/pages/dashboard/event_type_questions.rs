//! The questions an event type's booking form asks, edited one at a time:
//! every change is its own small form, so each works before hydration and
//! shows its errors next to its own fields.
use crate::components::field::field_error;
use crate::components::{CheckboxField, ErrorNotice, FormAlert, Loading, SelectField, TextArea, TextField};
use crate::domain::questions::{Question, QuestionKind};
use crate::error::AppError;
use crate::functions::questions::{DeleteQuestion, MoveQuestion, SaveQuestion, list_questions};
use leptos::form::ActionForm;
use leptos::prelude::*;

/// The editor's actions; any of them finishing reloads the list.
#[derive(Clone, Copy)]
pub struct QuestionActions {
    add: ServerAction<SaveQuestion>,
    delete: ServerAction<DeleteQuestion>,
    reorder: ServerAction<MoveQuestion>,
    /// Bumped when a question is saved from its own edit form.
    edited: RwSignal<u32>,
}

pub type QuestionsResource = Resource<Result<Vec<Question>, AppError>>;

impl Default for QuestionActions {
    fn default() -> Self {
        Self {
            add: ServerAction::new(),
            delete: ServerAction::new(),
            reorder: ServerAction::new(),
            edited: RwSignal::new(0),
        }
    }
}

impl QuestionActions {
    /// The questions of the event type `id` gives, reloaded after each
    /// change. The page creates it at its top, outside any `<Suspense/>`:
    /// resources made inside one raced each other while hydrating.
    pub fn questions(self, id: Signal<Option<String>>) -> QuestionsResource {
        Resource::new(
            move || {
                (
                    id.get(),
                    self.add.version().get(),
                    self.delete.version().get(),
                    self.reorder.version().get(),
                    self.edited.get(),
                )
            },
            |(id, ..)| async move {
                match id {
                    Some(id) => list_questions(id.into()).await,
                    None => Ok(Vec::new()),
                }
            },
        )
    }
}

#[component]
pub fn QuestionsEditor(event_type_id: String, questions: QuestionsResource, actions: QuestionActions) -> impl IntoView {
    let QuestionActions {
        add,
        delete,
        reorder,
        edited,
    } = actions;
    // A fresh, empty add form after each question is added.
    let added = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_))) {
            added.update(|n| *n += 1);
        }
    });
    let add_id = event_type_id.clone();
    view! {
        <section class="card narrow" aria-labelledby="questions-heading" data-testid="questions-editor">
            <h2 id="questions-heading">"Booking form questions"</h2>
            <p class="muted">"Invitees always give their name and email. Ask anything else here; answers appear on the booking and in its emails."</p>
            <Transition fallback=Loading>
                {move || {
                    let event_type_id = event_type_id.clone();
                    Suspend::new(async move {
                        match questions.await {
                            Ok(list) if list.is_empty() => view! { <p data-testid="no-questions">"No questions yet."</p> }.into_any(),
                            Ok(list) => {
                                let count = list.len();
                                view! {
                                    <ol class="question-list">
                                        {list.into_iter().enumerate().map(|(index, question)| view! {
                                            <QuestionItem question index count event_type_id=event_type_id.clone() delete reorder edited/>
                                        }).collect_view()}
                                    </ol>
                                }.into_any()
                            }
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        }
                    })
                }}
            </Transition>
            <h3>"Add a question"</h3>
            // Keyed by round, so each added question leaves a new, empty form
            // (re-rendering in place would keep the old choice in the select).
            <For
                each=move || std::iter::once(added.get())
                key=|round| *round
                children=move |_| view! { <QuestionFields action=add event_type_id=add_id.clone() question=None prefix="new-question".to_owned()/> }
            />
        </section>
    }
}

#[component]
fn QuestionItem(
    question: Question,
    index: usize,
    count: usize,
    event_type_id: String,
    delete: ServerAction<DeleteQuestion>,
    reorder: ServerAction<MoveQuestion>,
    edited: RwSignal<u32>,
) -> impl IntoView {
    let save = ServerAction::<SaveQuestion>::new();
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            edited.update(|n| *n += 1);
        }
    });
    let number = index + 1;
    let summary = format!(
        "{}{}",
        question.kind.label(),
        if question.required {
            " · required"
        } else {
            " · optional"
        }
    );
    let ids = (event_type_id.clone(), question.id.clone());
    let move_form = |up: bool, label: &'static str, testid: &'static str| {
        let (event_type_id, id) = ids.clone();
        view! {
            <ActionForm action=reorder attr:class="inline-form">
                <input type="hidden" name="event_type_id" value=event_type_id/>
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="up" value=up.to_string()/>
                <button type="submit" class="button small" data-testid=testid aria-label=format!("{label}: question {number}")>{label}</button>
            </ActionForm>
        }
    };
    let move_up = (index > 0).then(|| move_form(true, "Move up", "question-up"));
    let move_down = (index + 1 < count).then(|| move_form(false, "Move down", "question-down"));
    view! {
        <li class="question-item" data-testid=format!("question-{number}")>
            <h3>{question.label.clone()}</h3>
            <p class="muted">{summary}</p>
            {(!question.options.is_empty()).then(|| view! { <p class="muted">"Options: " {question.options.join(", ")}</p> })}
            <div class="actions">
                {move_up}
                {move_down}
                <ActionForm action=delete attr:class="inline-form">
                    <input type="hidden" name="event_type_id" value=ids.0.clone()/>
                    <input type="hidden" name="id" value=ids.1.to_string()/>
                    <button type="submit" class="button small" data-testid="question-delete" aria-label=format!("Delete question {number}")>"Delete"</button>
                </ActionForm>
            </div>
            <details>
                <summary data-testid="question-edit">"Edit question " {number}</summary>
                <QuestionFields action=save event_type_id=event_type_id.clone() prefix=format!("question-{number}") question=Some(question.clone())/>
            </details>
        </li>
    }
}

#[component]
fn QuestionFields(
    action: ServerAction<SaveQuestion>,
    event_type_id: String,
    question: Option<Question>,
    /// Makes the fields' ids unique on a page with several of these forms.
    prefix: String,
) -> impl IntoView {
    let value = action.value();
    let kind = RwSignal::new(question.as_ref().map(|q| q.kind).unwrap_or_default());
    let label = question.as_ref().map(|q| q.label.clone()).unwrap_or_default();
    let options = question.as_ref().map(|q| q.options.join("\n")).unwrap_or_default();
    let required = question.as_ref().is_some_and(|q| q.required);
    let kinds: Vec<(&str, &str)> = QuestionKind::ALL.iter().map(|k| (k.as_str(), k.label())).collect();
    let on_kind = Callback::new(move |raw: String| kind.set(QuestionKind::parse(&raw).unwrap_or_default()));
    let button = if question.is_some() {
        "Save question"
    } else {
        "Add question"
    };
    let testid = format!("{prefix}-save");
    view! {
        <ActionForm action attr:novalidate=true>
            <input type="hidden" name="event_type_id" value=event_type_id/>
            <input type="hidden" name="id" value=question.as_ref().map(|q| q.id.to_string()).unwrap_or_default()/>
            <FormAlert value/>
            <TextField id=format!("{prefix}-label") name="form[label]" label="Question" required=true value=label error=field_error(value, "label")/>
            <SelectField id=format!("{prefix}-kind") name="form[kind]" label="Answer type" options=kinds value=kind.get_untracked().as_str() on_change=on_kind error=field_error(value, "kind")/>
            <div hidden=move || !kind.get().has_options()>
                <TextArea id=format!("{prefix}-options") name="form[options]" label="Options, one per line" value=options rows=4 required=true error=field_error(value, "options")/>
            </div>
            <CheckboxField id=format!("{prefix}-required") name="form[required]" label="Invitees must answer" checked=required/>
            <button type="submit" class="button" data-testid=testid disabled=move || action.pending().get()>{button}</button>
        </ActionForm>
    }
}
