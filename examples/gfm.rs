//! GitHub-flavoured Markdown to HTML, as GitHub shows a `.md` file: comrak (a port of
//! cmark-gfm, the renderer GitHub uses) with GitHub's extensions on. `.ci/run` feeds it the
//! rendered documents and draws the result in a browser.
//!
//! Usage: `cargo run --example gfm < DOCUMENT.md > DOCUMENT.html` (an HTML fragment: the body
//! of GitHub's `markdown-body` element, with code blocks marked `<pre lang="...">`).

use std::io::{Read, Write};

fn main() -> std::io::Result<()> {
    let mut markdown = String::new();
    std::io::stdin().read_to_string(&mut markdown)?;

    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    options.extension.tasklist = true;
    options.extension.footnotes = true;
    // GitHub keeps raw HTML (after its own sanitizer, not reproduced here: the documents drawn
    // come from the project's own repositories), so an anchor okr writes shows as it would there.
    options.render.r#unsafe = true;
    // Headings get ids, so links to a section (`#upgrade-postgres`) land where GitHub's do.
    options.extension.header_id_prefix = Some(String::new());
    options.render.github_pre_lang = true;

    let html = comrak::markdown_to_html(&markdown, &options);
    std::io::stdout().write_all(html.as_bytes())
}
