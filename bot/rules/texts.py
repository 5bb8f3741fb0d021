"""Built-in texts the bot posts, and the helpers that choose among them.

Every library is a tuple of plain strings written for this project. A group's own prompts
and reminders (stored by admins) are added to these by the caller; nothing here knows
about Discord or the database.

The voice: warm, concrete, about the process and never about standing against others.
No text names, mentions or orders members, and none talks about rankings.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence

__all__ = [
    "FOLLOW_UP_SETBACK",
    "FOLLOW_UP_WIN",
    "MORNING_PROMPTS",
    "PATIENCE_REMINDERS",
    "REFLECTION_QUESTIONS",
    "STREAK_PATIENCE",
    "WEEKLY_THOUGHTS",
    "WELCOME_BACK",
    "next_in_rotation",
    "pick",
]

# Posted each morning (group channel or DM), with the "Check in" button under it.
MORNING_PROMPTS: tuple[str, ...] = (
    "Good morning. What is one small thing you can do for your training today, "
    "even if the day gets busy?",
    "Before the day fills up, choose the one session that matters and give it your full "
    "attention, however short it is.",
    "Showing up counts. An easy twenty-minute run, a few scales, a short stretch: "
    "pick your version of it for today.",
    "Think back to the first time your craft made you lose track of time. "
    "Bring a little of that into today's practice.",
    "Today's job is not to prove anything. It is to do the next session well and notice "
    "how it feels.",
    "If today is a rest day, make it a real one. Recovery is where the work you already did "
    "settles in.",
    "Quick check before you start: what would a good process look like today, "
    "whatever the numbers say afterwards?",
    "Say to yourself, even silently, why you train. Then lace up or pick up your tools "
    "with that reason in mind.",
    "A slow, steady session done today is worth more than a perfect plan for next week.",
    "Someone in this group could use a kind word today. Who will you check in on?",
    "What did your last rough session teach you? Choose one thing to adjust this morning "
    "and try it out.",
    "Pick a single cue for today: loose shoulders, calm breathing, clean form. "
    "Let everything else stay easy.",
    "Nobody watches the warm-up, which is exactly why it deserves your care today.",
    "How are your legs, your sleep, your mood? Listen first, then decide what today's "
    "training should be.",
    "The plan for today can be modest. Turning up and doing it with attention is the whole point.",
    "Rise and check in with yourself: are you training for the joy of it today, or out of "
    "worry? Aim for joy.",
    "Yesterday is done, good or bad. Today asks for one honest session and nothing more.",
    "Think of today's practice as a small deposit. Regular deposits are how the savings grow.",
    "Do the unglamorous part today: drills, easy miles, mobility work. "
    "It holds everything else up.",
    "Notice one thing you can do now that you could not do a year ago. "
    "Then go and practise the next thing.",
    "Try finishing today's session while you still want a little more. "
    "That leftover spark brings you back tomorrow.",
    "A new day, a clean page. What small step will you write on it first?",
    "Patience is part of the plan. Do today's work without asking it to pay off by tonight.",
    "Forget how fast or how far for a moment. How would you like to feel while you train today?",
    "Tell a training partner, a friend, or this channel what you will do today. "
    "Saying it out loud helps.",
    "If motivation is low this morning, shrink the task until it is easy to start. "
    "Five minutes still counts.",
    "Coffee, shoes, out the door; or tea, instrument, first note. "
    "Whatever your ritual is, begin it gently.",
    "Treat today's session as practice, not an exam. You are here to learn, not to be graded.",
    "Is there a skill you keep avoiding because it feels awkward? "
    "Give it ten patient minutes today.",
    "Take a moment to thank your body for yesterday's effort, then ask it kindly what it "
    "can offer today.",
    "Count the small wins this morning: getting up, getting started, finishing what you planned.",
    "One rep done on purpose teaches more than ten done on autopilot. Choose quality today.",
    "Your training belongs to you. Set today's intention from your own reasons, not anyone else's.",
    "Plans change. If yours does today, choose the smallest version of your practice that "
    "still feels like showing up.",
    "Recovery counts too: sleep, food, an easy walk. Which one will you look after today?",
    "Hello, early riser. What would make today's session feel well spent, whatever the watch says?",
    "Make today's goal simple enough to manage on a tired day. Then go and do it.",
    "Every long stretch of progress is made of ordinary days like this one. Make it a steady one.",
    "Think of someone who trains alongside you. A short note of support might be the most "
    "useful thing you do this morning.",
    "When you feel the urge to rush, slow down instead. Practise patience today as if it "
    "were a skill, because it is.",
    "What does showing up look like for you this week? Take the first piece of it today.",
    "Remember a session that went badly and what you changed afterwards. "
    "That lesson is still working for you.",
    "Start with the warm-up you usually skip. Give your body a proper invitation to the work.",
    "Today's effort does not need an audience. Do it for the part of you that simply "
    "loves the craft.",
    "Bring some curiosity to your practice today: what happens if you change one small thing?",
    "Let today's session be easy enough to enjoy and honest enough to matter.",
    "Sometimes the brave choice is a rest day. If your body is asking for one, listen to it.",
    "Morning thought: outcomes come and go, but the habit you build today stays. "
    "Look after the habit.",
    "Keep the promise you made to yourself, even in a small way. "
    "That is how trust in yourself grows.",
    "Check the weather, check your energy, then choose the session that fits both. "
    "Flexibility keeps consistency alive.",
    "If yesterday went sideways, you are allowed to begin again this morning. "
    "No catching up required.",
    "A small experiment for today: pay attention to your breathing for the first five minutes "
    "of your session.",
    "What is one part of your craft you genuinely enjoy? Make some room for it today.",
    "A fresh morning to practise. Keep the effort honest and the expectations light.",
    "Which habit around your training needs care: sleep, fuel, warm-up or cool-down? "
    "Choose one for today.",
    "Send a word of encouragement to someone today. Their progress takes nothing away from yours.",
    "You only need to do today's work today. The months look after themselves when the "
    "days are looked after.",
    "Start slower than you think you need to. Ease into the work and let it build on its own.",
    "How is your reason for training holding up? If it feels faint, spend a minute "
    "remembering it before you begin.",
    "Small and done is better than big and postponed. What is your small and done for today?",
    "Lay out what you need for today's session now, so that starting later takes no "
    "willpower at all.",
    "Focus on what is in your hands today: your effort, your attention, your attitude. "
    "Let the rest be.",
    "Stiff, sleepy or full of energy, every version of you can show up in some way today. "
    "Which one is here?",
    "If you catch yourself comparing your training with someone else's, gently bring your "
    "attention back to your own.",
    "Good morning, everyone. Take one deep breath and name the one thing you will practise today.",
    "Your future self is shaped by today's quiet effort. Give them something solid to stand on.",
    "If you trained hard yesterday, let today be gentle. Hard days and easy days work as a team.",
    "An unremarkable session still moves you forward. Let today be unremarkable and complete.",
    "Ask yourself what you would do today if nobody would ever know. Then do that.",
    "Set a tiny target you can surely reach today, reach it, and let that feeling carry you.",
    "New light, new chance. Go easy on the pace and be generous with the care you put in.",
    "What is the first thing you will do after this message to move your practice along, "
    "even slightly?",
)

# Scheduled group posts, and personal notes after a streak ends, a setback or a quiet spell.
PATIENCE_REMINDERS: tuple[str, ...] = (
    "Plateaus are part of the map, not a sign you took a wrong turn. "
    "Keep doing the simple things well.",
    "Progress rarely moves in a straight line. Weeks that feel like going backwards often lay "
    "the ground for the next step.",
    "Consistency works quietly. A month of ordinary sessions adds up to more than any single "
    "heroic one.",
    "Rest is training. The hours you spend recovering are when your body turns effort "
    "into fitness.",
    "A bad week is not a verdict. It is a note about sleep, load, stress or timing. "
    "Read it, adjust, carry on.",
    "There is no finish line here. That also means there is no deadline you are late for.",
    "If it feels like nothing is changing, look further back. Compare today with six months "
    "ago, not with yesterday.",
    "Skills settle in slowly. What feels clumsy this week often feels natural a few weeks "
    "later, without you noticing when it changed.",
    "Feeling stuck is common among people who keep at it. It often means the next layer of "
    "learning is forming.",
    "Small efforts repeated over years grow into something that short bursts never reach.",
    "You do not have to earn a rest day. Taking it is part of doing the work properly.",
    "Some days the most useful training is a walk, a nap or an early night. "
    "That is still showing up.",
    "A missed session is one day. What you do across months tells the real story.",
    "Improvement has seasons: growth, consolidation, sometimes a step back. All of them belong.",
    "Tired of the same routine? That feeling is normal. The basics, repeated again and again, "
    "are what lasting skill is made of.",
    "Anything that promises fast results usually skips the part where your body adapts. "
    "The patient path takes longer and lasts.",
    "Deadlines for progress are often ones we invented. If yours is making you anxious, "
    "you are free to move it.",
    "An off day tells you something: more sleep, less intensity, a different time of day. "
    "Keep the lesson and let the mood go.",
    "Fitness and skill are built in the background. You may not feel it happening, but it is.",
    "Be as patient with yourself as you would be with a friend who is learning something new.",
    "Nobody gets there in a hurry, and there is no single 'there' anyway. "
    "Keep walking, keep noticing.",
    "Slow weeks still count. A steady trickle of practice carves deeper than a flood that "
    "comes once.",
    "It is fine if this week looks like last week. Holding steady is a kind of progress too.",
    "The long game is made of short days. Play today's gently and come back tomorrow.",
    "Injury, illness, travel, life: breaks happen. The habit is still yours to pick up again "
    "when you are ready.",
    "Gains tend to arrive in steps, with long flat stretches between them. "
    "The flat parts are where the next step gets prepared.",
    "Rest days are not a gap in your training. They are one of its ingredients.",
    "The things you do often shape you more than the things you do once. "
    "Keep choosing the steady habits.",
    "If a session went badly, ask what it showed you, not what it says about you.",
    "Numbers go up and numbers go down. How faithfully you follow your process is the part "
    "you control.",
    "Patience is not doing nothing. It is doing the next sensible thing and letting time "
    "handle the rest.",
    "Some of the most important training happens on days that feel completely ordinary.",
    "Compounding is slow at first and surprising later. Consistency works the same way.",
    "A plateau is a good moment to check the basics: sleep, food, easy days, enjoyment. "
    "Often one of them needs a little care.",
    "You are allowed a slow season. Your craft is a lifelong companion, not a countdown.",
    "Take the long view: a year of showing up, even imperfectly, changes more than you can "
    "see from inside a single week.",
    "Bad days belong in the record. Without them you would learn a lot less about yourself.",
    "When progress feels invisible, trust the days you have shown up. Each one did something.",
    "Recovery is when adaptation happens. Skipping it does not speed things up; "
    "it only hides the progress.",
    "No single session defines you. Neither does one race, one week or one result.",
    "Patience with slow progress is a skill of its own, and like any skill it grows with practice.",
    "A dip in motivation is weather, not climate. Keep the routine small and let it pass.",
    "Learning rarely feels like progress while it happens. It feels like confusion, "
    "until one day something clicks.",
    "Your pace this month does not decide your path. Keep turning up and let the months "
    "add together.",
    "Setbacks look huge up close. From a year away they usually look like small bends in a "
    "long road.",
    "Deep roots take years to grow. Water them a little every day and resist digging them up "
    "to check.",
    "Keep your expectations kind and your habits steady. That pairing outlasts almost anything.",
    "There is no final level to unlock. Enjoy getting a little better, again and again, "
    "for as long as you like.",
)

# One of these closes the weekly group recap: a thought for the week ahead, in the group's voice.
WEEKLY_THOUGHTS: tuple[str, ...] = (
    "This week, let us show up in small ways and trust that small ways add up.",
    "We do not need a perfect week, only an honest one.",
    "Let us treat our rest days with the same respect as our hardest sessions.",
    "If one of us has a rough week, let us be the ones who remind them it is something "
    "to learn from.",
    "We each train for our own reasons, so this week let us remember what those reasons are.",
    "Let us notice one thing we did well last week and build on it gently.",
    "Our progress is measured in months and years, so this week we can relax and simply "
    "do the work.",
    "This week, let us encourage one another more than we criticise ourselves.",
    "We grow together when we celebrate each other's steps, however small.",
    "Let us make room for patience this week, especially on days when nothing seems to change.",
    "The process is ours to keep whatever the results do, so let us look after it this week.",
    "This week we aim for steady rather than spectacular.",
    "Let us welcome anyone coming back from a break as if they had never left.",
    "This week we can each pick one habit outside training, like sleep, food or calm, "
    "and look after it together.",
    "If a setback arrives this week, we will study it together rather than hide from it.",
    "Let us keep the bar low enough to start and the care high enough to matter.",
    "This week, may each of us find one session that feels like pure enjoyment.",
    "We are in no hurry, and that is exactly what lets us keep going.",
    "Let us practise asking what we learned after every session this week.",
    "Together we make showing up feel normal, so let us keep doing that for each other.",
    "This week, let us try one small thing differently and see what it teaches us.",
    "We are building something that lasts, one ordinary day at a time, and this week is "
    "another chance to add to it.",
    "Let us be as kind to our tired days as we are to our strong ones this week.",
    "Each check-in this week is a small promise kept, and we will keep making them together.",
    "Let us remember that a quiet week of consistent effort is something to be proud of.",
    "This week, we leave comparison at the door and focus on our own next step.",
    "Let us keep each other company on the hard days and share the easy joy of the good ones.",
    "Whatever this week brings, we will meet it with patience, one small step at a time.",
)

# Next-day DM after a setback was logged.
FOLLOW_UP_SETBACK: tuple[str, ...] = (
    "Yesterday you gave the setback its day. Today is for the next small step, whatever size fits.",
    "You took time to feel yesterday's setback, and that was right. This morning, "
    "choose one easy thing that moves you forward.",
    "A day has passed since the setback. Keep the lesson, leave the weight behind, "
    "and pick one small action for today.",
    "Checking in after yesterday. There is nothing to make up for: just do one thing today "
    "that your process asks of you.",
    "Yesterday is filed away as something learned. Today, a gentle return to routine is plenty.",
    "The rough moment has had its day. What small part of your training can you look after today?",
    "How are you feeling today? When you are ready, a short easy session or a proper rest "
    "both count as getting back to it.",
    "You noticed what went wrong, and that is the useful part. Today, keep the adjustment "
    "small and the effort steady.",
    "Setbacks shrink once we take the next step. What is yours today, even if it only "
    "takes five minutes?",
    "Back to the everyday work today. Same process as before, now with one more lesson in it.",
)

# Next-day DM after a win was celebrated.
FOLLOW_UP_WIN: tuple[str, ...] = (
    "Yesterday was for enjoying the win. Today, the quiet work that made it possible starts again.",
    "Hope you savoured yesterday. Today, return to the everyday habits that got you there.",
    "The celebration has had its day. What small step does your process ask of you this morning?",
    "A good result is lovely, and it is also behind you now. Today, just one honest session.",
    "You earned yesterday's good feeling. Keep it, then go back to the routine that built it.",
    "A win is a sign the process works. Today, feed the process with one ordinary, steady step.",
    "Yesterday was a high point. Today is a normal training day, and normal days are where "
    "growth happens.",
    "Take the confidence from yesterday into today's warm-up, rather than into raising the stakes.",
    "The win stays yours. Today, let it make you curious about the next small improvement.",
    "Celebration done. Today, a modest session and an early night will serve you well.",
)

# Private line when a member returns from a pause.
WELCOME_BACK: tuple[str, ...] = (
    "Welcome back. Good to have you here again.",
    "You're back, and that is what counts. Start from wherever you are.",
    "Welcome back. No catching up needed: today is a fine place to begin again.",
    "Glad to see you again. Take the first few days easy and let the rhythm return.",
    "Welcome back. Every day you have shown up is still here, waiting for the next one.",
    "Good to have you back. Begin gently; the habit will remember you.",
    "Welcome back. Breaks are part of a long training life, and so is returning.",
    "Hello again. One small session today makes a perfect restart.",
    "Welcome back to the group. Go easy, listen to your body, and enjoy being here.",
    "Nice to see you. Whatever kept you away, you showed up today, and that matters.",
)

# Private note when someone checks in again after their streak ended.
STREAK_PATIENCE: tuple[str, ...] = (
    "Your streak has reset, but every day you have shown up is still counted. "
    "Today starts a new run.",
    "A streak is only one way to look at it. Your lifetime total did not lose a single day.",
    "Gaps happen in every long training life. All your past days still stand; today adds one more.",
    "No guilt needed. Streaks end, and the days you already put in stay yours for good.",
    "Welcome to day one of a new run. Everything you did before is still part of your total.",
    "The streak paused, the habit did not. You are here today, and that is what matters.",
    "Missing a few days does not erase months of work. Your total keeps growing from here.",
    "Streaks are fun, but they are not the point. The point is coming back, and you did.",
    "Your count of days shown up never resets. Pick up where you are and keep going gently.",
    "One gap in a long record is just a gap. Today you are adding to the record again.",
)

# (label, placeholder) for the three fields of the setback reflection modal.
# Discord limits: label <= 45 characters; we keep placeholders <= 100.
REFLECTION_QUESTIONS: tuple[tuple[str, str], ...] = (
    (
        "What happened?",
        "A sentence or two about the session or moment, as you'd tell a friend.",
    ),
    (
        "What did it teach you?",
        "Something you noticed, or would do differently next time.",
    ),
    (
        "One small next step",
        "Something small you can do in the next day or two.",
    ),
)


def pick(library: Sequence[str], key: int) -> str:
    """Return ``library[key % len(library)]``: a stable choice without rotation state.

    Use a key that varies naturally (a day number, a member id plus a date ordinal) so the
    same member does not see the same line every time. Raises ValueError if the library
    is empty.
    """
    if not library:
        raise ValueError("cannot pick from an empty library")
    return library[key % len(library)]


def next_in_rotation(total: int, used: Collection[int], rng: random.Random) -> tuple[int, bool]:
    """Choose the next index of a library of ``total`` texts, without repeats per cycle.

    ``used`` holds the indexes already shown in the current cycle. Indexes outside
    ``range(total)`` are ignored (the library may have shrunk since they were recorded).

    Returns ``(index, new_cycle)``. While unused indexes remain, ``index`` is a random one
    of them and ``new_cycle`` is False. When none remain, or ``used`` holds no valid
    index, a new cycle starts: ``index`` is any index and ``new_cycle`` is True, meaning the
    caller must forget the previous cycle's indexes before recording this one.

    Raises ValueError if ``total`` is not positive.
    """
    if total <= 0:
        raise ValueError(f"library is empty (total={total})")
    seen = {i for i in used if 0 <= i < total}
    if not seen or len(seen) >= total:
        return rng.randrange(total), True
    # Built in index order, so a seeded rng gives the same answer for the same inputs.
    remaining = [i for i in range(total) if i not in seen]
    return rng.choice(remaining), False


# Ideas for a week with an encouragement buddy: small, kind and about the process.
BUDDY_SUGGESTIONS = (
    "Swap one line each about why you train, then check in on each other midweek.",
    "Pick one day this week to both do your session, wherever you are, and tell each other "
    "how it felt.",
    "Send each other one honest note after a hard session: what went well, what you learned.",
    "Share one small habit you're building this week, and ask about it on the weekend.",
    "Cheer one of each other's check-ins this week, rest days included.",
    "Tell each other one thing you're patient about right now.",
    "Ask each other what a good week would look like, process only, no results.",
    "Trade one tip from your own practice that made a small difference.",
)
