// Help-desk page: one chat with the assistant through POST /v1/ask, and a card for the region under
// discussion. No framework and no external resources: the page must work on an offline meeting LAN.
"use strict";

const SESSION_KEY = "ihai-session";
const ALLOWED_TAGS = new Set(["B", "STRONG", "I", "EM", "U", "S", "CODE", "PRE"]);
const numberFormat = new Intl.NumberFormat("id-ID", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const countFormat = new Intl.NumberFormat("id-ID");
const LEVELS = { kabkota: "Kabupaten/kota", provinsi: "Provinsi", nasional: "Nasional" };

const $ = (id) => document.getElementById(id);

function sessionId() {
  // One conversation per browser tab survives a reload, so follow-ups keep their context.
  let id = sessionStorage.getItem(SESSION_KEY);
  if (!id) {
    id = "web-" + (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2));
    sessionStorage.setItem(SESSION_KEY, id);
  }
  return id;
}

// The answer is Telegram HTML (<b>, <i>, entities). Rebuild it node by node, keeping only the
// formatting tags, so nothing in an answer can ever run script or load a resource.
function safeFragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const copy = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.textContent);
    const children = Array.from(node.childNodes, copy);
    if (node.nodeType === Node.ELEMENT_NODE && ALLOWED_TAGS.has(node.tagName)) {
      const element = document.createElement(node.tagName.toLowerCase());
      children.forEach((child) => element.appendChild(child));
      return element;
    }
    const fragment = document.createDocumentFragment();
    children.forEach((child) => fragment.appendChild(child));
    return fragment;
  };
  return copy(template.content);
}

function addMessage(kind, content) {
  const item = document.createElement("li");
  item.className = "message " + kind;
  if (typeof content === "string") item.textContent = content;
  else item.appendChild(content);
  $("log").appendChild(item);
  scrollToEnd();
  return item;
}

function scrollToEnd() {
  // The log scrolls inside the page on wide screens, with the page itself on phones.
  const log = $("log");
  log.scrollTop = log.scrollHeight;
  log.lastElementChild.scrollIntoView({ block: "nearest" });
}

function showButtons(answer) {
  const box = $("buttons");
  box.replaceChildren();
  const add = (button, kind) => {
    const element = document.createElement("button");
    element.type = "button";
    element.className = kind;
    element.textContent = button.label;
    element.addEventListener("click", () => ask(button.payload, button.label));
    box.appendChild(element);
  };
  answer.choices.forEach((button) => add(button, "choice"));
  answer.followups.forEach((button) => add(button, "followup"));
}

// The documents an answer draws on, with their references: regulations as text, web sources as links
// (http and https only) that open in a new tab, so the help desk can show where a recommendation comes from.
function sourceList(sources) {
  const details = document.createElement("details");
  details.className = "sources";
  const summary = document.createElement("summary");
  summary.textContent = "Sumber (" + sources.length + " dokumen panduan)";
  details.appendChild(summary);
  const list = document.createElement("ul");
  for (const source of sources) {
    const item = document.createElement("li");
    const title = document.createElement("strong");
    title.textContent = source.title;
    item.appendChild(title);
    const references = document.createElement("ul");
    for (const reference of source.references) {
      const line = document.createElement("li");
      // "label: https://…" (see knowledge.citations.Citation.reference); a regulation without an
      // official link is just its label.
      const match = /^(.+): (https?:\/\/\S+)$/.exec(reference);
      if (match) {
        const link = document.createElement("a");
        link.href = match[2];
        link.textContent = match[1];
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        line.appendChild(link);
      } else {
        line.textContent = reference;
      }
      references.appendChild(line);
    }
    item.appendChild(references);
    list.appendChild(item);
  }
  details.appendChild(list);
  return details;
}

async function showRegion(code, chartUrl) {
  const response = await fetch("/v1/regions/" + encodeURIComponent(code));
  if (!response.ok) return;
  const region = await response.json();
  $("card-level").textContent = LEVELS[region.level] || region.level;
  $("card-name").textContent = region.name;
  $("card-province").textContent = region.level === "kabkota" ? region.province : "";
  $("card-ihai").textContent = region.ihai === null ? "–" : numberFormat.format(region.ihai);
  $("card-category").textContent = region.category || "belum dapat dipublikasikan";
  $("card-n").textContent = region.n === null ? "" : countFormat.format(region.n) + " responden diterima";
  showReportLink($("card-report"), region.report_url);
  const chart = $("card-chart");
  const url = chartUrl || region.chart_url;
  if (url) {
    chart.src = url;
    chart.hidden = false;
  } else {
    chart.removeAttribute("src");
    chart.hidden = true;
  }
  showTelegramLink(region);
  $("card").hidden = false;
}

// The region's Telegram deep link and its QR code (drawn by the server), so a projected page or a
// printout leads a phone straight to the region in the bot. Hidden when the bot's name is unknown.
function showTelegramLink(region) {
  const box = $("card-telegram");
  if (!region.telegram_url || !region.telegram_qr_url) {
    box.hidden = true;
    return;
  }
  const link = $("card-link");
  link.href = region.telegram_url;
  link.textContent = region.telegram_url.replace(/^https:\/\//, "");
  $("card-qr").src = region.telegram_qr_url;
  box.hidden = false;
}

// A region's PDF report: a same-origin link the browser downloads (the API answers it as an attachment).
function showReportLink(link, url) {
  if (url && url.startsWith("/v1/regions/")) {
    link.href = url;
    link.hidden = false;
  } else {
    link.removeAttribute("href");
    link.hidden = true;
  }
}

function reportLink(url) {
  const link = document.createElement("a");
  link.className = "download";
  link.setAttribute("download", "");
  link.textContent = "Unduh laporan (PDF)";
  showReportLink(link, url);
  return link;
}

async function ask(text, shownText) {
  addMessage("user", shownText || text);
  const form = $("ask-form");
  form.classList.add("busy");
  $("send").disabled = true;
  try {
    const response = await fetch("/v1/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text, session: sessionId() }),
    });
    if (!response.ok) throw new Error("HTTP " + response.status);
    const answer = await response.json();
    const message = addMessage("bot", safeFragment(answer.answer));
    if (answer.document_url) message.appendChild(reportLink(answer.document_url));
    if (answer.sources.length) message.appendChild(sourceList(answer.sources));
    showButtons(answer);
    scrollToEnd();
    if (answer.regions.length) await showRegion(answer.regions[0], answer.chart_url);
  } catch (error) {
    addMessage("bot error", "Maaf, asisten belum bisa menjawab. Coba lagi sebentar lagi.");
  } finally {
    form.classList.remove("busy");
    $("send").disabled = false;
    $("question").focus();
  }
}

async function checkHealth() {
  try {
    const health = await (await fetch("/healthz")).json();
    $("synthetic-banner").hidden = !health.synthetic;
  } catch (error) {
    $("status").textContent = "Server asisten tidak dapat dihubungi.";
    $("status").hidden = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("ask-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("question");
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    ask(text);
  });
  checkHealth();
  $("question").focus();
});
