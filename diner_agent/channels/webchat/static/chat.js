// The Diner Agent chat page: POST /api/chat with stream: true and show the answer as it arrives.
// Every piece of text goes into the page with textContent, never innerHTML: model output is untrusted.
"use strict";

(function () {
  const TOKEN_KEY = "diner-agent-chat-token";
  const MAX_MESSAGES = 40; // the server takes 50; leave room so a long chat never starts failing
  const MAX_CHARS = 30000; // the server takes 32,000 in total

  const $ = (id) => document.getElementById(id);
  const tokenForm = $("token-form");
  const tokenInput = $("token");
  const log = $("log");
  const composer = $("composer");
  const message = $("message");
  const send = $("send");
  const forget = $("forget");
  const suggestions = $("suggestions");
  const history = [];

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function showChat(ready) {
    tokenForm.hidden = ready;
    log.hidden = composer.hidden = suggestions.hidden = forget.hidden = !ready;
    (ready ? message : tokenInput).focus();
  }

  function bubble(kind, text) {
    const el = document.createElement("div");
    el.className = "msg " + kind;
    el.textContent = text;
    log.appendChild(el);
    el.scrollIntoView({ block: "end" });
    return el;
  }

  function requestKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes); // randomUUID needs a secure context; this works on plain http too
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function recent() {
    // The newest messages that fit the server's limits, oldest first.
    const out = [];
    let chars = 0;
    for (let i = history.length - 1; i >= 0 && out.length < MAX_MESSAGES; i--) {
      chars += history[i].content.length;
      if (chars > MAX_CHARS && out.length) break;
      out.unshift(history[i]);
    }
    return out;
  }

  async function errorText(response) {
    try {
      const body = await response.json();
      if (body && body.error && body.error.message) return body.error.message;
    } catch (_) {
      // not JSON: fall through
    }
    return "The server answered " + response.status + ".";
  }

  // Read a text/event-stream body and call onData with each event's data, as it arrives.
  async function readEvents(body, onData) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = block
          .split("\n")
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).replace(/^ /, ""))
          .join("\n");
        if (data && onData(data) === false) return;
      }
    }
  }

  async function ask(text) {
    history.push({ role: "user", content: text });
    bubble("user", text);
    const answer = bubble("assistant pending", "");
    answer.dataset.state = "waiting";
    send.disabled = true;
    let reply = "";
    try {
      const response = await fetch("/api/chat", {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Authorization: "Bearer " + token(),
          "Idempotency-Key": requestKey(),
        },
        body: JSON.stringify({ model: "diner-agent", messages: recent(), stream: true }),
      });
      if (!response.ok) {
        answer.remove();
        history.pop();
        bubble("error", await errorText(response));
        if (response.status === 401) {
          sessionStorage.removeItem(TOKEN_KEY);
          showChat(false);
        }
        return;
      }
      answer.dataset.state = "streaming";
      await readEvents(response.body, (data) => {
        if (data === "[DONE]") return false;
        const chunk = JSON.parse(data);
        const piece = chunk.choices && chunk.choices[0] && chunk.choices[0].delta && chunk.choices[0].delta.content;
        if (piece) {
          reply += piece;
          answer.textContent = reply;
          answer.scrollIntoView({ block: "end" });
        }
        return true;
      });
    } catch (err) {
      reply += (reply ? "\n\n" : "") + "(The connection broke. Please try again.)";
      answer.textContent = reply;
    } finally {
      answer.classList.remove("pending");
      answer.dataset.state = "done";
      send.disabled = false;
      message.focus();
    }
    if (reply) history.push({ role: "assistant", content: reply });
  }

  tokenForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = tokenInput.value.trim();
    if (!value) return;
    sessionStorage.setItem(TOKEN_KEY, value);
    tokenInput.value = "";
    showChat(true);
  });

  forget.addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    showChat(false);
  });

  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = message.value.trim();
    if (!text || send.disabled) return;
    message.value = "";
    message.style.height = "";
    ask(text);
  });

  message.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });

  message.addEventListener("input", () => {
    message.style.height = "auto";
    message.style.height = message.scrollHeight + "px";
  });

  suggestions.addEventListener("click", (event) => {
    const text = event.target.dataset && event.target.dataset.text;
    if (text && !send.disabled) ask(text);
  });

  showChat(Boolean(token()));
})();
