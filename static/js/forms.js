/* The page behaviour of base.html. Loaded on every page; no inline script, nothing from the network.
 *
 * 0. Layout on phones: the menu button, list cells labelled with their column, the language select.
 * 1. The region picker (sunshine/forms.py RegionPicker): above a <select data-region-picker> of townships
 *    grouped by county, a county select and a search by name, pinyin initials or county name. The select
 *    stays the form's field, so the server validates the choice as before.
 * 2. A urine test shows the substance (and the drug-use finding box) only for a positive result.
 * 3. A [data-print] button prints the page (the agreement).
 */
(function () {
  "use strict";

  function element(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    return node;
  }

  function enhancePicker(select) {
    var entries = [], groups = [], blank = null;
    Array.prototype.forEach.call(select.children, function (child) {
      if (child.tagName === "OPTGROUP") {
        groups.push(child.label);
        Array.prototype.forEach.call(child.children, function (option) {
          entries.push({
            option: option,
            group: child.label,
            name: option.textContent.toLowerCase(),
            initials: option.getAttribute("data-initials") || ""
          });
        });
      } else if (!child.value) {
        blank = child;
      } else {
        entries.push({ option: child, group: "", name: child.textContent.toLowerCase(), initials: child.getAttribute("data-initials") || "" });
      }
    });

    var bar = element("div", { "class": "picker" });
    var county = null;
    if (groups.length > 1) {
      county = element("select", { "aria-label": select.getAttribute("data-county-label") || "" });
      var any = element("option", { value: "" });
      any.textContent = select.getAttribute("data-all-label") || "—";
      county.appendChild(any);
      groups.forEach(function (label) {
        var option = element("option", { value: label });
        option.textContent = label;
        county.appendChild(option);
      });
      bar.appendChild(county);
    }
    var search = element("input", {
      type: "search",
      "aria-label": select.getAttribute("data-search-label") || "",
      placeholder: select.getAttribute("data-search-label") || "",
      autocomplete: "off"
    });
    bar.appendChild(search);
    select.parentNode.insertBefore(bar, select);

    function refresh() {
      var chosen = select.value, query = search.value.trim().toLowerCase(), group = county ? county.value : "";
      var shown = entries.filter(function (entry) {
        if (group && entry.group !== group) { return false; }
        if (!query) { return true; }
        return entry.name.indexOf(query) >= 0 || entry.initials.indexOf(query) === 0 ||
          entry.group.toLowerCase().indexOf(query) >= 0;
      });
      while (select.firstChild) { select.removeChild(select.firstChild); }
      if (blank) { select.appendChild(blank); }
      var current = null, holder = null;
      shown.forEach(function (entry) {
        if (!entry.group) { select.appendChild(entry.option); return; }
        if (entry.group !== current) {
          current = entry.group;
          holder = element("optgroup", { label: entry.group });
          select.appendChild(holder);
        }
        holder.appendChild(entry.option);
      });
      var stillThere = shown.some(function (entry) { return entry.option.value === chosen; });
      if (shown.length === 1) {
        select.value = shown[0].option.value;
      } else {
        select.value = stillThere ? chosen : "";
      }
    }

    search.addEventListener("input", refresh);
    if (county) { county.addEventListener("change", refresh); }
  }

  function enhancePositiveTest(result) {
    var form = result.form;
    var dependants = ["substance", "record_finding"].map(function (name) {
      var input = form.elements[name];
      return input ? input.closest(".field") : null;
    }).filter(Boolean);
    function refresh() {
      dependants.forEach(function (field) { field.hidden = result.value !== "positive"; });
    }
    result.addEventListener("change", refresh);
    refresh();
  }

  document.documentElement.classList.add("js");  // the stylesheet folds the menu only when the button works

  function enhanceMenu(button) {
    var bar = button.closest(".topbar");
    button.addEventListener("click", function () {
      var open = bar.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  /* On a phone a list row is a card of lines: each cell says which column it is (data-label, shown by CSS). */
  function labelCells(table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (!cell.hasAttribute("data-label") && heads[index] && !cell.hasAttribute("colspan")) {
          cell.setAttribute("data-label", heads[index]);
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".menu-toggle").forEach(enhanceMenu);
    document.querySelectorAll("table.list").forEach(labelCells);
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("select[data-region-picker]").forEach(enhancePicker);
    document.querySelectorAll("form select[name=result]").forEach(function (result) {
      if (result.form.elements.substance) { enhancePositiveTest(result); }
    });
  });
})();
