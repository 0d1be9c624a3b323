## Slack adapter

slack-thread-root = :stethoscope: Diagnosis of { $ip } for { $user }. Follow along in this thread.
slack-thread-root-noip = :stethoscope: Diagnosis for { $user }. Follow along in this thread.
slack-not-yours = Only { $owner } can answer this diagnosis; you're welcome to follow along.
slack-stale = That question has already been answered or has moved on. Please answer the newest message in the thread, or type `!status` there to see the current question again.
slack-rate-limited = You've started several diagnoses in a short time. Please try again in { $seconds } s.
slack-channel-not-allowed = I don't run diagnoses in this channel. Please ask in one of the support channels.
slack-answer-button = Type your answer
slack-modal-title = Your answer
slack-modal-submit = Send
slack-modal-cancel = Cancel
slack-modal-label = { $expect ->
        [ip] IP address
        [port] Port number
       [paste] Paste the command output here
       *[other] Answer
    }
slack-answered = :white_check_mark: { $answer } ({ $user })
slack-ticket-button = Open a support ticket
slack-report-attached = The full diagnosis report is attached to this thread; add it to your ticket.
slack-report-comment = Diagnosis report for { $ip }
slack-field-finding = Finding
slack-lang-set = From now on I'll answer you in English.
slack-usage = You can also start a diagnosis by mentioning me with your server's IP, or in a direct message. In a diagnosis thread, reply with your answer; commands there start with `!` (Slack keeps `/` for its own commands).
slack-restarting = vm-doctor is restarting right now. Please send the command again in a minute; diagnoses under way are kept.
slack-start-your-own = I start diagnoses in the channel, not inside an existing thread. To check your own server, mention me in the channel itself or use `/diagnose`.
slack-file-unreadable = I can't read attachments. Please paste the text itself into this thread instead.
slack-not-in-channel = I'm not a member of this channel, so I can't post the diagnosis here. Invite me ({ $bot }) with `/invite` and run the command again, or continue with me in a direct message.
slack-continue-dm = Continue in a direct message
slack-modal-failed = The answer form didn't open in time. Please click the button again.
slack-restarting-click = vm-doctor is restarting right now. Please click again in a minute; diagnoses under way are kept.
slack-restarting-message = vm-doctor is restarting right now, so I didn't take that message. Please send it again in a minute; diagnoses under way are kept.
slack-restarting-form = vm-doctor is restarting right now, so I didn't take your answer. Please click the button again in a minute and send it once more; diagnoses under way are kept.
slack-file-not-read = I can't read attachments, so I've only read what you wrote with it. If the file holds a command's output, please paste that text into this thread.
slack-moved-to-dm = I've started the diagnosis in our direct message; you'll find me under Apps in your sidebar.
slack-restarting-form-typed = vm-doctor is restarting right now, so I didn't take your answer (`{ $answer }`). Please send it again in a minute, with the button or as a reply in this thread; diagnoses under way are kept.
slack-missing-scope = I can't do that here: this Slack app lacks the permission `{ $scope }`. Please ask a workspace admin to add it to the app and reinstall vm-doctor.
slack-report-not-attached = I couldn't attach the diagnosis report just now; the ticket link above works either way. Send `!ticket` in this thread in a minute to attach the report.
slack-report-not-attached-scope = I couldn't attach the diagnosis report: this Slack app may not upload files (it lacks `{ $scope }`). The ticket link above works either way; once a workspace admin adds that permission and reinstalls vm-doctor, `!ticket` in this thread attaches the report.
