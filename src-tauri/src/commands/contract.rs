// What the page and the shell say to each other, declared once. Everything that names a
// command or an event comes from these lists: `build.rs` (the `allow-*` permissions, by
// `include!`: keep this file plain macros, no `use`), the handler list in `lib.rs`, the typed
// emitters in `events.rs`, and the web view's `ui/src/bindings/commands.ts` (written by
// `cargo test`), which `ui/src/api.ts` and the UI tests' fake core are typed by.
//
// Each macro hands its list to the macro named as its argument.

/// Every command the page may call: its name (the function in `commands`), the arguments
/// the page sends (in Rust's snake_case; the page sends them camelCase, as Tauri expects)
/// and the reply. Arguments Tauri fills in (the app, the window, state) are not listed.
macro_rules! each_command {
    ($then:ident) => {
        $then! {
            list_accounts() -> Vec<AccountView>;
            add_account(account: NewAccount) -> AccountView;
            update_account(id: i64, change: AccountChange) -> AccountView;
            set_account_token(id: i64, token: Secret) -> AccountView;
            set_active_account(id: i64) -> AccountView;
            delete_account(id: i64, history: HistoryChoice) -> ();
            account_job_count(id: i64) -> u32;
            test_connection(id: i64) -> Health;
            submit_prompt(account_id: i64, prompt: String, references: Vec<PromptReference>, batch: Option<Batch>) -> Job;
            recent_prompts(query: String, limit: u32) -> Vec<String>;
            saved_prompts() -> Vec<SavedPrompt>;
            save_prompt(name: String, text: String) -> SavedPrompt;
            delete_saved_prompt(id: i64) -> ();
            cancel_job(job_id: i64) -> ();
            retry_job(job_id: i64) -> ();
            enhance_image(image_id: i64, scale: EnhanceScale) -> Job;
            job_enhancements(job_id: i64) -> Vec<EnhancedCopy>;
            run_action(job_id: i64, custom_id: String, answer: Option<ModalAnswer>) -> Job;
            confirm_action(job_id: i64, answer: ModalAnswer) -> Job;
            describe_image(account_id: i64, source: DescribeSource) -> Job;
            blend_images(account_id: i64, image_ids: Vec<i64>, shape: BlendShape) -> Job;
            job_made_of(job_id: i64) -> Vec<MadeCopy>;
            preferences() -> Preferences;
            set_job_timeout(minutes: u32) -> Preferences;
            set_notifications(on: bool) -> Preferences;
            library_page(query: LibraryQuery, from: Option<i64>, limit: u32) -> Page;
            library_summary(query: LibraryQuery) -> Summary;
            library_facets(filter: Filter) -> Facets;
            library_range(query: LibraryQuery, from: Cursor, to: Cursor) -> Vec<i64>;
            get_job(id: i64) -> Option<Job>;
            like(selection: Selection, liked: bool) -> ();
            collections() -> Vec<Collection>;
            create_collection(name: String) -> Collection;
            rename_collection(id: i64, name: String) -> ();
            delete_collection(id: i64) -> ();
            collect(collection: i64, selection: Selection, add: bool) -> ();
            saved_searches() -> Vec<SavedSearch>;
            save_search(name: String, query: LibraryQuery) -> SavedSearch;
            delete_saved_search(id: i64) -> ();
            delete_items(selection: Selection) -> Deletion;
            undo_deletion(receipt: i64) -> ();
            reveal_image(image_id: i64) -> ();
            save_image_as(image_id: i64) -> Option<String>;
            copy_image(image_id: i64) -> ();
            copy_image_file(image_id: i64) -> ();
            drag_images(image_ids: Vec<i64>) -> ();
            export_items(selection: Selection, format: ExportFormat) -> Option<ExportSummary>;
            cancel_export() -> ();
            open_logs_folder() -> ();
            import_past(account_id: i64) -> ImportProgress;
            cancel_import(account_id: i64) -> bool;
            imports() -> Vec<ImportProgress>;
        }
    };
}

/// Every event the shell sends the page: the type `events.rs` emits it through, its name on
/// the wire, and its payload.
macro_rules! each_event {
    ($then:ident) => {
        $then! {
            JobUpdated "job-updated": Job;
            ImportProgressed "import-progress": ImportProgress;
            ExportProgressed "export-progress": ExportProgress;
            MenuChosen "menu": PageItem;
            NoticeGiven "notice": Notice;
        }
    };
}
