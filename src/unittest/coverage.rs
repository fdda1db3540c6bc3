//! What `--coverage` prints after the results, and the LCOV file of
//! `--coverage-format lcov FILE` (for genhtml, Codecov, IDE gutters).
//! The counting itself is the renderer's: [`crate::render::coverage`].

use crate::render::coverage::{BranchKind, TemplateCoverage};

/// A table: each template's share of branches rendered and what never was.
pub fn coverage_text(templates: &[TemplateCoverage]) -> String {
    let total: usize = templates.iter().map(|t| t.branches.len()).sum();
    let hit: usize = templates.iter().map(TemplateCoverage::branches_hit).sum();
    let mut out = format!(
        "Coverage: {hit} of {total} branches rendered ({})\n",
        percent(hit, total)
    );
    let width = templates.iter().map(|t| t.file.len()).max().unwrap_or(0);
    for template in templates {
        let (share, details) = if template.branches.is_empty() {
            let rendered = match template.renders {
                0 => "never rendered".to_string(),
                1 => "rendered once".to_string(),
                n => format!("rendered {n} times"),
            };
            ("-".to_string(), format!("no branches, {rendered}"))
        } else {
            let hit = template.branches_hit();
            let share = percent(hit, template.branches.len());
            (
                share,
                format!("{hit}/{}{}", template.branches.len(), missed(template)),
            )
        };
        out.push_str(&format!(
            "  {:<width$}  {share:>6}  {details}\n",
            template.file
        ));
    }
    out
}

/// `; never rendered: lines 5-7 (`else` at line 4), …`, or nothing.
fn missed(template: &TemplateCoverage) -> String {
    let missed: Vec<String> = template
        .branches
        .iter()
        .filter(|(_, count)| *count == 0)
        .map(|(branch, _)| {
            let what = branch.kind.describe(branch.line);
            match branch.body {
                Some((first, last)) if first == last => format!("line {first} ({what})"),
                Some((first, last)) => format!("lines {first}-{last} ({what})"),
                None => what,
            }
        })
        .collect();
    if missed.is_empty() {
        String::new()
    } else {
        format!("; never rendered: {}", missed.join(", "))
    }
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "-".to_string()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// The LCOV tracefile: per template its macros (`FN`), branches (`BRDA`,
/// one block per `if` chain, loop or macro) and lines (`DA`).
pub fn lcov(templates: &[TemplateCoverage]) -> String {
    let mut out = String::new();
    for template in templates {
        out.push_str("TN:\n");
        out.push_str(&format!("SF:{}\n", template.file));
        let macros: Vec<(&str, usize, u64)> = template
            .branches
            .iter()
            .filter_map(|(branch, count)| match &branch.kind {
                BranchKind::Macro(name) => Some((name.as_str(), branch.line, *count)),
                _ => None,
            })
            .collect();
        for (name, line, _) in &macros {
            out.push_str(&format!("FN:{line},{name}\n"));
        }
        for (name, _, count) in &macros {
            out.push_str(&format!("FNDA:{count},{name}\n"));
        }
        out.push_str(&format!("FNF:{}\n", macros.len()));
        let macros_hit = macros.iter().filter(|(_, _, count)| *count > 0).count();
        out.push_str(&format!("FNH:{macros_hit}\n"));
        let mut in_block = std::collections::HashMap::new();
        for (branch, count) in &template.branches {
            let number = in_block.entry(branch.block).or_insert(0);
            out.push_str(&format!(
                "BRDA:{},{},{number},{count}\n",
                branch.line, branch.block
            ));
            *number += 1;
        }
        out.push_str(&format!("BRF:{}\n", template.branches.len()));
        out.push_str(&format!("BRH:{}\n", template.branches_hit()));
        for (line, count) in &template.lines {
            out.push_str(&format!("DA:{line},{count}\n"));
        }
        out.push_str(&format!("LF:{}\n", template.lines.len()));
        let lines_hit = template.lines.iter().filter(|(_, c)| *c > 0).count();
        out.push_str(&format!("LH:{lines_hit}\n"));
        out.push_str("end_of_record\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::coverage::Branch;

    fn ingress() -> TemplateCoverage {
        let branch = |kind, line, block, body| Branch {
            kind,
            line,
            block,
            body,
        };
        TemplateCoverage {
            name: "ingress.yaml".into(),
            file: "c/templates/ingress.yaml".into(),
            renders: 3,
            branches: vec![
                (branch(BranchKind::If, 1, 0, Some((2, 4))), 2),
                (branch(BranchKind::NoElse, 1, 0, None), 0),
                (branch(BranchKind::Loop, 3, 1, Some((4, 4))), 0),
                (branch(BranchKind::Macro("host".into()), 6, 2, None), 1),
            ],
            lines: vec![(1, 3), (2, 2), (3, 2), (4, 0), (5, 3)],
        }
    }

    #[test]
    fn the_table_names_what_never_rendered() {
        let notes = TemplateCoverage {
            name: "NOTES.txt".into(),
            file: "c/templates/NOTES.txt".into(),
            renders: 0,
            branches: Vec::new(),
            lines: vec![(1, 0)],
        };
        assert_eq!(
            coverage_text(&[ingress(), notes]),
            "Coverage: 2 of 4 branches rendered (50.0%)\n\
             \x20 c/templates/ingress.yaml   50.0%  2/4; never rendered: `if` at line 1 never false, line 4 (loop body at line 3)\n\
             \x20 c/templates/NOTES.txt          -  no branches, never rendered\n"
        );
    }

    #[test]
    fn lcov_has_functions_branches_and_lines() {
        assert_eq!(
            lcov(&[ingress()]),
            "TN:\nSF:c/templates/ingress.yaml\nFN:6,host\nFNDA:1,host\nFNF:1\nFNH:1\n\
             BRDA:1,0,0,2\nBRDA:1,0,1,0\nBRDA:3,1,0,0\nBRDA:6,2,0,1\nBRF:4\nBRH:2\n\
             DA:1,3\nDA:2,2\nDA:3,2\nDA:4,0\nDA:5,3\nLF:5\nLH:4\nend_of_record\n"
        );
    }
}
