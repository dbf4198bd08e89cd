/* The progress update form (commitments.admin.ProgressUpdateAdmin): changing the commitment reloads the milestone
   chooser with that commitment's milestones, from the admin's own address (data-options-url), which answers only
   for commitments the user may see. Without this script the form still works: the server offers the milestones of
   the commitment it was given, and refuses a milestone of another one. */
"use strict";

(function () {
  function replaceOptions(select, items, keep) {
    var empty = null;
    Array.prototype.forEach.call(select.options, function (option) {
      if (option.value === "") {
        empty = option;
      }
    });
    while (select.options.length) {
      select.remove(0);
    }
    if (empty) {
      select.add(empty);
    }
    items.forEach(function (item) {
      var option = new Option(item.label, String(item.id));
      option.selected = String(item.id) === keep;
      select.add(option);
    });
    if (!select.value && empty) {
      empty.selected = true;
    }
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function init() {
    var commitment = document.getElementById("id_commitment");
    var milestone = document.getElementById("id_milestone");
    if (!commitment || !milestone || !milestone.dataset.optionsUrl) {
      return;
    }
    commitment.addEventListener("change", function () {
      var keep = milestone.value;
      if (!commitment.value) {
        replaceOptions(milestone, [], "");
        return;
      }
      var url = milestone.dataset.optionsUrl + "?commitment=" + encodeURIComponent(commitment.value);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          replaceOptions(milestone, data.milestones || [], keep);
        })
        .catch(function () {
          /* The choice stays as it was: the server checks it when the form is saved. */
        });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
