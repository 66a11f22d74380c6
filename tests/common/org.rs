//! An org repository and its teams' bare repositories in a temp folder.

use std::path::{Path, PathBuf};

use super::{git_repo, no_panic, okr};

/// A temp folder with an org repository in `org/` and bare team repositories in `teams/`.
pub struct Org {
    pub dir: tempfile::TempDir,
    /// `org/` in [`Org::dir`]: the org repository.
    root: PathBuf,
}

impl Org {
    pub fn new(config: &str) -> Org {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("org")).unwrap();
        std::fs::create_dir_all(dir.path().join("teams")).unwrap();
        git_repo(&dir.path().join("org"));
        let root = dir.path().join("org");
        let org = Org { dir, root };
        org.write("okr-org.toml", config);
        org
    }

    pub fn root(&self) -> PathBuf {
        self.root.clone()
    }

    /// The org repository's folder.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// A file or folder of the org repository.
    pub fn file(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.file(relative)).unwrap()
    }

    /// The text of `name` in the tree of the tip of `branch` of the org repository.
    pub fn published(&self, branch: &str, name: &str) -> String {
        let git = git2::Repository::open(&self.root).unwrap();
        let tip = git.refname_to_id(&format!("refs/heads/{branch}")).unwrap();
        let tree = git.find_commit(tip).unwrap().tree().unwrap();
        let blob = tree
            .get_name(name)
            .unwrap()
            .to_object(&git)
            .unwrap()
            .peel_to_blob()
            .unwrap();
        String::from_utf8(blob.content().to_vec()).unwrap()
    }

    pub fn team_dir(&self, name: &str) -> PathBuf {
        self.dir.path().join("teams").join(format!("{name}.git"))
    }

    pub fn write(&self, relative: &str, text: &str) {
        let path = self.root().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Commits `files` on `branch` of the bare repository of team `name` (made on first use),
    /// over what the branch held; gives the commit's id.
    pub fn commit(&self, name: &str, branch: &str, files: &[(&str, &str)]) -> String {
        let dir = self.team_dir(name);
        let git = match git2::Repository::open_bare(&dir) {
            Ok(git) => git,
            Err(_) => git2::Repository::init_bare(&dir).unwrap(),
        };
        let reference = format!("refs/heads/{branch}");
        let parent = git
            .refname_to_id(&reference)
            .ok()
            .map(|id| git.find_commit(id).unwrap());
        let base = match &parent {
            Some(commit) => commit.tree().unwrap(),
            None => {
                let empty = git.treebuilder(None).unwrap().write().unwrap();
                git.find_tree(empty).unwrap()
            }
        };
        let mut update = git2::build::TreeUpdateBuilder::new();
        for (path, text) in files {
            let blob = git.blob(text.as_bytes()).unwrap();
            update.upsert(*path, blob, git2::FileMode::Blob);
        }
        let tree = update.create_updated(&git, &base).unwrap();
        let tree = git.find_tree(tree).unwrap();
        let signature = git2::Signature::new(
            "Test",
            "test@example.com",
            &git2::Time::new(super::START, 0),
        )
        .unwrap();
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        git.commit(
            Some(&reference),
            &signature,
            &signature,
            "m",
            &tree,
            &parents,
        )
        .unwrap()
        .to_string()
    }

    pub fn run(&self, args: &[&str]) -> std::process::Output {
        self.run_in(&self.root, args)
    }

    /// okr run in `dir` (a folder in or out of the org repository).
    pub fn run_in(&self, dir: &Path, args: &[&str]) -> std::process::Output {
        let output = okr(dir).args(args).output().unwrap();
        no_panic(&output);
        output
    }
    /// Every ref of the org repository, sorted, with the commit it names.
    pub fn refs(&self) -> Vec<(String, String)> {
        let git = git2::Repository::open(self.root()).unwrap();
        let mut refs: Vec<(String, String)> = git
            .references()
            .unwrap()
            .map(|r| {
                let r = r.unwrap();
                let id = r.target().map(|id| id.to_string()).unwrap_or_default();
                (r.name().unwrap().to_owned(), id)
            })
            .collect();
        refs.sort();
        refs
    }
}

pub fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

pub const TEAM_OKR: &str = "[team]\nname = \"Team\"\n";

pub fn short(id: &str) -> &str {
    &id[..7]
}
