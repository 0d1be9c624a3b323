//! `vm-doctor probe` with several targets: the table (Fluent, `probe.ftl`) and
//! the JSON lines. The probing itself is `vmd_probe::fleet`.

use std::net::IpAddr;
use vmd_core::command::Lang;
use vmd_core::msg::Msg;
use vmd_core::probe::{IcmpState, PortState};
use vmd_probe::fleet::{handshake, top_finding, Plan, Planned, Row, Summary};
use vmd_runtime::i18n::Localizer;

/// Terminal columns a string takes (Hangul and other wide scripts take two).
pub fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFF00..=0xFF60 => 2,
            _ => 1,
        })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// How a target is named in the table: `name (address)`, the address, or what was typed.
pub fn host_label(p: &Planned) -> String {
    let addr = match &p.what {
        Plan::Probe(ip) => Some(*ip),
        Plan::Refused { addr, .. } => *addr,
    };
    match (&p.name, addr) {
        (Some(n), Some(ip)) => format!("{n} ({ip})"),
        (None, Some(ip)) => ip.to_string(),
        (Some(n), None) => n.clone(),
        (None, None) => p.input.clone(),
    }
}

fn state_key(s: PortState) -> &'static str {
    match s {
        PortState::Open => "open",
        PortState::Closed => "closed",
        PortState::Filtered => "filtered",
        PortState::Inconclusive => "inconclusive",
    }
}

/// Renders the table: the header (widths fixed from the plan, so rows can be
/// printed as they come) and one line per row.
pub struct Table<'a> {
    loc: &'a Localizer,
    lang: Lang,
    ports: Vec<u16>,
    widths: Vec<usize>,
}

impl<'a> Table<'a> {
    pub fn new(loc: &'a Localizer, lang: Lang, plan: &[Planned], ports: Vec<u16>) -> Table<'a> {
        let mut t = Table {
            loc,
            lang,
            ports,
            widths: Vec::new(),
        };
        let host_w = plan
            .iter()
            .map(|p| width(&host_label(p)))
            .chain([width(&t.text("fleet-col-host"))])
            .max()
            .unwrap_or(4);
        let icmp_w = ["reply", "no_reply", "unavailable"]
            .iter()
            .map(|s| width(&t.arg("fleet-icmp", "state", s)))
            .chain([width(&t.text("fleet-col-icmp"))])
            .max()
            .unwrap_or(4);
        let port_w = ["open", "closed", "filtered", "inconclusive"]
            .iter()
            .map(|s| width(&t.arg("fleet-port", "state", s)))
            .max()
            .unwrap_or(8);
        // Wide enough for every single handshake code (`ssh:closed_before_banner`).
        let hs_w = width(&t.text("fleet-col-handshake")).max(24);
        t.widths = vec![host_w, icmp_w, port_w, hs_w];
        t
    }

    fn text(&self, id: &str) -> String {
        self.loc.text(self.lang, id)
    }

    fn arg(&self, id: &str, k: &str, v: &str) -> String {
        self.loc.render(self.lang, &Msg::new(id).arg(k, v))
    }

    fn line(&self, host: &str, icmp: &str, ports: &[String], hs: &str, finding: &str) -> String {
        let mut cells = vec![pad(host, self.widths[0]), pad(icmp, self.widths[1])];
        for (i, p) in ports.iter().enumerate() {
            let w = self.widths[2].max(self.ports.get(i).map_or(0, |p| p.to_string().len()));
            cells.push(pad(p, w));
        }
        cells.push(pad(hs, self.widths[3]));
        cells.push(finding.to_string());
        cells.join("  ").trim_end().to_string()
    }

    pub fn header(&self) -> String {
        let ports: Vec<String> = self.ports.iter().map(|p| p.to_string()).collect();
        self.line(
            &self.text("fleet-col-host"),
            &self.text("fleet-col-icmp"),
            &ports,
            &self.text("fleet-col-handshake"),
            &self.text("fleet-col-finding"),
        )
    }

    pub fn row(&self, row: &Row) -> String {
        let host = host_label(&row.planned);
        match (&row.probed, &row.planned.what) {
            (Some(p), _) => {
                let icmp = p
                    .report
                    .icmp
                    .as_ref()
                    .map_or(IcmpState::Unavailable, |i| i.state);
                let icmp = self.arg("fleet-icmp", "state", icmp.key());
                let ports: Vec<String> = self
                    .ports
                    .iter()
                    .map(|port| match p.report.port(*port) {
                        Some(r) => self.arg("fleet-port", "state", state_key(r.state)),
                        None => "-".to_string(),
                    })
                    .collect();
                let hs = handshake(&p.report).unwrap_or_else(|| "-".into());
                let f = top_finding(&p.findings).map_or("-", |f| f.code());
                self.line(&host, &icmp, &ports, &hs, f)
            }
            (None, Plan::Refused { code, .. }) => {
                format!(
                    "{}  {}",
                    pad(&host, self.widths[0]),
                    self.arg("fleet-refused", "code", code)
                )
            }
            (None, Plan::Probe(_)) => host,
        }
    }

    pub fn summary(&self, s: &Summary) -> String {
        let secs = format!("{:.1}", s.elapsed_ms as f64 / 1000.0);
        self.loc.render(
            self.lang,
            &Msg::new("fleet-summary")
                .arg("targets", s.targets as i64)
                .arg("probed", s.probed as i64)
                .arg("refused", s.refused as i64)
                .arg("open", s.open as i64)
                .arg("seconds", secs.as_str()),
        )
    }
}

/// The line naming a host name's address above a single probe's summary.
pub fn name_line(loc: &Localizer, lang: Lang, name: &str, ip: IpAddr) -> String {
    loc.render(
        lang,
        &Msg::new("probe-name-address")
            .arg("name", name)
            .arg("ip", ip.to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use vmd_core::findings::Finding;
    use vmd_core::probe::{PortReason, ProbeReport};
    use vmd_probe::cli::request_for;
    use vmd_probe::fleet::Probed;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    fn rows() -> Vec<Row> {
        let a = ip("203.0.113.20");
        let req = request_for(a, None, None);
        let mut report = ProbeReport::uniform(&req, PortState::Filtered, PortReason::Timeout, 200);
        report.ports[1].state = PortState::Closed;
        vec![
            Row {
                planned: Planned {
                    input: "web.example".into(),
                    name: Some("web.example".into()),
                    what: Plan::Probe(a),
                },
                probed: Some(Probed {
                    req,
                    report,
                    findings: vec![Finding::IcmpReply, Finding::PortFiltered],
                }),
            },
            Row {
                planned: Planned {
                    input: "127.0.0.1".into(),
                    name: None,
                    what: Plan::Refused {
                        addr: Some(ip("127.0.0.1")),
                        code: "loopback",
                    },
                },
                probed: None,
            },
        ]
    }

    #[test]
    fn table_in_both_languages() {
        let loc = Localizer::embedded().expect("locales");
        let rows = rows();
        let plan: Vec<Planned> = rows.iter().map(|r| r.planned.clone()).collect();
        let t = Table::new(&loc, Lang::En, &plan, vec![22, 3389]);
        let out = [t.header(), t.row(&rows[0]), t.row(&rows[1])].join("\n");
        assert_eq!(
            out,
            "HOST                        PING       22            3389          HANDSHAKE                 TOP FINDING\n\
             web.example (203.0.113.20)  not tried  filtered      closed        -                         port-filtered\n\
             127.0.0.1                   refused: loopback"
        );
        let mut s = Summary::default();
        for r in &rows {
            s.add(r);
        }
        s.elapsed_ms = 1234;
        assert_eq!(
            t.summary(&s),
            "2 targets: 1 probed, 1 refused, 0 with a login port open, in 1.2 s."
        );
        let t = Table::new(&loc, Lang::Ko, &plan, vec![22, 3389]);
        let header = t.header();
        assert!(header.starts_with("호스트"), "{header}");
        assert!(t.row(&rows[0]).contains("차단됨"), "{}", t.row(&rows[0]));
        assert!(t.row(&rows[1]).contains("점검 거부: loopback"));
        // Columns line up in terminal cells, Hangul being two wide.
        let h = width(header.split("  핑").next().unwrap_or(""));
        let r = width(t.row(&rows[0]).split("  확인 안 함").next().unwrap_or(""));
        assert_eq!(h, r);
        assert!(t.summary(&s).contains("대상 2개 중 1개를 점검했고"));
        assert_eq!(
            name_line(&loc, Lang::En, "web.example", ip("203.0.113.20")),
            "web.example → 203.0.113.20"
        );
    }
}
